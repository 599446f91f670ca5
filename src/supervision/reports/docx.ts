/**
 * The report as a Word document in the official-document layout (GB/T 9704-2012), from the same OfficialDocument
 * model as the PDF (layout.ts), so both carry the same parts: A4 with top 37 mm, bottom 35 mm, left 28 mm, right
 * 26 mm margins; 版头: the 发文机关标志 in red 小标宋 centred 35 mm under the top of the 版心, the 文号 two lines under
 * it and the red separator line 4 mm under the 文号 (a paragraph border); title in 2号 方正小标宋简体; 主送机关; body
 * in 3号 仿宋_GB2312 on a fixed 28.95 pt line (22 lines a page); "一、" headings in 3号 黑体, "（一）" in 3号
 * 楷体_GB2312; tables in 4号 仿宋; charts as images with the title above and the source below; 附件说明; 署名 and
 * 成文日期; the 版记 (抄送, 印发机关 and 印发日期 between thick and thin rules) at the foot of the last page; page
 * numbers in 4号 宋体 "— 1 —" (a PAGE field), odd pages right and even pages left, one character in from the edge.
 * Fonts are named, not embedded: the offices have them installed.
 * The 版记 sits on the last line of the last page (GB/T 9704 7.3) as a text box pinned to the bottom of the 版心 and
 * anchored in the document's last paragraph, which is empty and as tall as the 版记 plus a line: the flow keeps that
 * room free, so the body never runs under the box and a last page without room sends the 版记 to a page of its own.
 * Rejected: a frame or floating table that wraps text (on a full page it pushes its own anchor on and can loop or
 * overlap) and a footer with { IF { PAGE } = { NUMPAGES } } (Word shrinks the body for it, but LibreOffice and
 * ONLYOFFICE do not evaluate such a field, a field's result carries no rules there, and the footer part is shared
 * by every page, so whatever result is stored shows on all of them). scripts/docx-colophon-check.ts checks the
 * placement by laying reports out with LibreOffice.
 */
import {
  AlignmentType,
  BorderStyle,
  BuilderElement,
  Document,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  Tab,
  TableLayoutType,
  HeightRule,
  VerticalAlign,
  TabStopType,
  TextRun,
  WidthType,
  type IBorderOptions,
} from 'docx';
import type { ChartImage } from './charts';
import type { Block } from './text';
import { HEAD, markSizePt, RED, type OfficialDocument } from './layout';

const MM = 56.7; // twips per millimetre
const PT = 20; // twips per point
const WIDTH = Math.round(156 * MM); // the 版心
const TITLE_FONT = '方正小标宋简体';
const BODY_FONT = '仿宋_GB2312';
const H1_FONT = '黑体';
const H2_FONT = '楷体_GB2312';
const NUMBER_FONT = '宋体';
const LINE = 579; // 28.95 pt in twips: 22 lines in the 225 mm text block
const SIZE = { title: 44, body: 32, table: 28, pageNumber: HEAD.pageNumberPt * 2 }; // half-points: 2号 22pt, 3号 16pt, 4号 14pt
const CHAR = SIZE.body * 10; // one 3号 character in twips (16 pt)
const SMALL_CHAR = SIZE.table * 10; // one 4号 character
type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

const font = (name: string) => ({ ascii: name === BODY_FONT ? 'Times New Roman' : name, hAnsi: name === BODY_FONT ? 'Times New Roman' : name, eastAsia: name, cs: name });
const run = (text: string, f: string, size: number, extra: { color?: string; characterSpacing?: number } = {}) => new TextRun({ text, font: font(f), size, ...extra });
const grid = { line: LINE, lineRule: LineRuleType.EXACT } as const;
const body = (text: string, options: { indent?: boolean; align?: Align } = {}) =>
  new Paragraph({
    children: [run(text, BODY_FONT, SIZE.body)],
    spacing: grid,
    indent: options.indent === false ? undefined : { firstLine: 2 * CHAR }, // 左空二字
    alignment: options.align ?? AlignmentType.JUSTIFIED,
  });
/** A rule `mm` thick in `color`, as a paragraph border (sizes in eighths of a point). */
const rule = (mm: number, color = '000000', spacePt = 0): IBorderOptions => ({ style: BorderStyle.SINGLE, size: Math.round(((mm * 72) / 25.4) * 8), color, space: spacePt });

/** Rough width of a line in twips: CJK and full-width characters one em, ASCII half. */
const widthOf = (text: string, em: number) => [...text].reduce((w, c) => w + (c.charCodeAt(0) < 0x2000 ? em / 2 : em), 0);

/** 版头: (征求意见稿), the red 发文机关标志, the 文号 (empty on a draft, so the line stays where it would be) and the red line under it. */
function head(m: OfficialDocument): Paragraph[] {
  const out: Paragraph[] = [];
  if (m.draft) out.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: grid, children: [run('（征求意见稿）', H1_FONT, SIZE.body)] }));
  const markPt = markSizePt(m.issuerMark, WIDTH / PT);
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: Math.max(0, Math.round(HEAD.markTopMm * MM) - (m.draft ? LINE : 0)), line: Math.round(markPt * 1.25 * PT), lineRule: LineRuleType.EXACT },
      children: [run(m.issuerMark, TITLE_FONT, markPt * 2, { color: RED, characterSpacing: Math.round(markPt * HEAD.markSpacing * PT) })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: HEAD.numberGapLines * LINE, ...grid },
      border: { bottom: rule((HEAD.lineWidthPt * 25.4) / 72, RED, Math.round((HEAD.lineGapMm * 72) / 25.4)) },
      children: m.docNumber ? [run(m.docNumber, BODY_FONT, SIZE.body)] : [],
    }),
  );
  return out;
}

function table(b: Extract<Block, { type: 'table' }>): (Paragraph | Table)[] {
  const cell = (text: string, header: boolean) =>
    new TableCell({
      children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, header ? H1_FONT : BODY_FONT, SIZE.table)] })],
    });
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  return [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120, after: 60 }, keepNext: true, children: [run(b.caption, H1_FONT, SIZE.table)] }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      rows: [new TableRow({ tableHeader: true, children: b.header.map((h) => cell(h, true)) }), ...b.rows.map((r) => new TableRow({ children: r.map((c) => cell(c, false)) }))],
    }),
    new Paragraph({ children: [] }),
  ];
}

function chart(c: ChartImage | undefined, city: string): Paragraph[] {
  if (!c) return [];
  const px = 560; // about 148 mm at 96 dpi: inside the 156 mm text block
  return [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120 }, keepNext: true, children: [run(c.title, H1_FONT, SIZE.table)] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      keepNext: true,
      children: [new ImageRun({ type: 'png', data: c.png, transformation: { width: px, height: Math.round((px * c.height) / c.width) }, altText: { name: c.key, title: c.title, description: c.title } })],
    }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [run(`数据来源：${city}“人大代表在行动”工作平台`, BODY_FONT, 24)] }),
  ];
}

function blocks(m: OfficialDocument, charts: Map<string, ChartImage>, city: string): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  for (const b of m.blocks) {
    if (b.type === 'heading1') out.push(new Paragraph({ spacing: grid, keepNext: true, indent: { firstLine: 2 * CHAR }, children: [run(b.text, H1_FONT, SIZE.body)] }));
    else if (b.type === 'heading2') out.push(new Paragraph({ spacing: grid, keepNext: true, indent: { firstLine: 2 * CHAR }, children: [run(b.text, H2_FONT, SIZE.body)] }));
    else if (b.type === 'paragraph') out.push(body(b.text));
    else if (b.type === 'table') out.push(...table(b));
    else if (b.type === 'chart') out.push(...chart(charts.get(b.key), city));
  }
  return out;
}

/** 附件说明, then 署名 and 成文日期: the date 右空四字, the 署名 centred over it (at least 右空二字), as in the PDF. */
function closing(m: OfficialDocument): Paragraph[] {
  const out: Paragraph[] = [];
  if (m.attachments.length) {
    out.push(new Paragraph({ spacing: grid, children: [] }));
    const list = m.attachments.length === 1 ? [m.attachments[0]] : m.attachments.map((a, i) => `${i + 1}.${a}`);
    list.forEach((a, i) => out.push(new Paragraph({ spacing: grid, indent: i === 0 ? { firstLine: 2 * CHAR } : { left: 5 * CHAR }, children: [run(i === 0 ? `附件：${a}` : a, BODY_FONT, SIZE.body)] })));
  }
  const dateRight = 4 * CHAR;
  const signRight = Math.max(2 * CHAR, Math.round(dateRight + (widthOf(m.date, CHAR) - widthOf(m.signature, CHAR)) / 2));
  out.push(
    new Paragraph({ spacing: grid, keepNext: true, children: [] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: grid, keepNext: true, indent: { right: signRight }, children: [run(m.signature, BODY_FONT, SIZE.body)] }),
    // Not kept with the 版记: when the last page has no room for it, the 版记 goes to a page of its own (colophon()).
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: grid, indent: { right: dateRight }, children: [run(m.date, BODY_FONT, SIZE.body)] }),
  );
  return out;
}

/** The 版记's rows: 抄送 (when any), then 印发机关 and 印发日期, each with the lines it takes. */
function colophonRows(m: OfficialDocument): { text: string; printed?: string; lines: number }[] {
  const copies = m.colophon.copiesTo.length ? `抄送：${m.colophon.copiesTo.join('，')}。` : null;
  // A long 抄送 wraps, its next lines aligned under the first name (回行时与冒号后的首字对齐).
  const room = WIDTH - 2 * SMALL_CHAR;
  const copiesLines = copies ? 1 + Math.ceil(Math.max(0, widthOf(copies, SMALL_CHAR) - room) / (room - 3 * SMALL_CHAR)) : 0;
  return [...(copies ? [{ text: copies, lines: copiesLines }] : []), { text: m.colophon.printer, printed: m.colophon.printedOn, lines: 1 }];
}

/**
 * 版记 as the PDF draws it: a one-column table of rows one line high (a wrapped 抄送 more), 抄送 then 印发机关 left
 * and 印发日期 right; a thick rule first and last and thin rules between, the width of the 版心; the text one character
 * in from each end (左右各空一字) and centred in its row. A table, not bordered paragraphs: its borders span the 版心
 * while the text is inset, and its rows have an exact height, so the box holding it has a known height.
 */
function colophonTable(m: OfficialDocument): Table {
  const none = { style: BorderStyle.NONE, size: 0, color: 'auto' };
  const line = (mm: number) => ({ style: BorderStyle.SINGLE, size: rule(mm).size, color: '000000' });
  return new Table({
    width: { size: WIDTH, type: WidthType.DXA },
    columnWidths: [WIDTH],
    layout: TableLayoutType.FIXED,
    borders: { top: line(HEAD.colophonThickMm), bottom: line(HEAD.colophonThickMm), insideHorizontal: line(HEAD.colophonThinMm), left: none, right: none, insideVertical: none },
    rows: colophonRows(m).map(
      (row) =>
        new TableRow({
          height: { value: row.lines * LINE, rule: HeightRule.EXACT },
          cantSplit: true,
          children: [
            new TableCell({
              width: { size: WIDTH, type: WidthType.DXA },
              margins: { left: SMALL_CHAR, right: SMALL_CHAR, top: 0, bottom: 0 },
              verticalAlign: VerticalAlign.CENTER,
              children: [
                new Paragraph({
                  spacing: row.lines > 1 ? grid : undefined,
                  indent: row.printed === undefined ? { left: 3 * SMALL_CHAR, hanging: 3 * SMALL_CHAR } : undefined,
                  tabStops: [{ type: TabStopType.RIGHT, position: WIDTH - 2 * SMALL_CHAR }],
                  children: row.printed === undefined ? [run(row.text, BODY_FONT, SIZE.table)] : [run(row.text, BODY_FONT, SIZE.table), new TextRun({ children: [new Tab()] }), run(row.printed, BODY_FONT, SIZE.table)],
                }),
              ],
            }),
          ],
        }),
    ),
  });
}

/** A text box's content must end in a paragraph: this one takes one point under the table. */
const textboxEnd = () => new Paragraph({ spacing: { line: PT, lineRule: LineRuleType.EXACT }, children: [new TextRun({ text: '', size: 2 })] });

/** VML's text-box shape type (o:spt 202), declared as Word itself writes it before the shapes that use it. */
const textBoxType = () =>
  new BuilderElement<{ id: string; coordsize: string; spt: string; path: string }>({
    name: 'v:shapetype',
    attributes: { id: { key: 'id', value: '_x0000_t202' }, coordsize: { key: 'coordsize', value: '21600,21600' }, spt: { key: 'o:spt', value: '202' }, path: { key: 'path', value: 'm,l,21600r21600,l21600,xe' } },
    children: [
      new BuilderElement<{ joinstyle: string }>({ name: 'v:stroke', attributes: { joinstyle: { key: 'joinstyle', value: 'miter' } } }),
      new BuilderElement<{ ok: string; type: string }>({ name: 'v:path', attributes: { ok: { key: 'gradientshapeok', value: 't' }, type: { key: 'o:connecttype', value: 'rect' } } }),
    ],
  });

/** A w:pict run holding a VML text box: understood alike by Word (every version), WPS and LibreOffice. */
class PictureParagraph extends Paragraph {
  constructor(options: ConstructorParameters<typeof Paragraph>[0] & object, pict: BuilderElement) {
    super(options);
    this.root.push(new BuilderElement({ name: 'w:r', children: [pict] }));
  }
}

/**
 * 版记 at the foot of the last page (GB/T 9704-2012 7.3: its last element on the last line of the last page), with
 * the page number in the footer below it as on every page. The rows sit in a text box pinned to the bottom of the
 * 版心 (VML: mso-position-vertical bottom, relative to the margin; no text wrapping), anchored in the document's last
 * paragraph. That paragraph is empty and exactly as tall as the 版记 plus one line (the gap the PDF keeps above it), so
 * the flow itself keeps that room free at the foot of whichever page it ends on: the body can never run under the box,
 * and when the last page has no room the paragraph, and the box with it, moves to a page of its own. Nothing depends on
 * the application reflowing text around the box (a wrapped frame moves its own anchor and can loop), nor on fields
 * (an IF { PAGE } = { NUMPAGES } footer is blank in LibreOffice and shows no rules as a field result there).
 */
function colophon(m: OfficialDocument): Paragraph {
  const height = colophonRows(m).reduce((sum, row) => sum + row.lines, 0) * LINE + PT; // the rows, and a point for the rules
  const style = [
    'position:absolute',
    'margin-left:0',
    'margin-top:0',
    `width:${WIDTH / PT}pt`,
    `height:${height / PT}pt`,
    'z-index:251659264',
    'mso-position-horizontal:center',
    'mso-position-horizontal-relative:margin',
    'mso-position-vertical:bottom',
    'mso-position-vertical-relative:margin',
  ].join(';');
  const box = new BuilderElement<{ id: string; type: string; style: string; stroked: string; filled: string }>({
    name: 'v:shape',
    attributes: { id: { key: 'id', value: 'colophon' }, type: { key: 'type', value: '#_x0000_t202' }, style: { key: 'style', value: style }, stroked: { key: 'stroked', value: 'f' }, filled: { key: 'filled', value: 'f' } },
    children: [
      new BuilderElement<{ style: string; inset: string }>({
        name: 'v:textbox',
        attributes: { style: { key: 'style', value: 'mso-fit-shape-to-text:t' }, inset: { key: 'inset', value: '0,0,0,0' } },
        children: [new BuilderElement({ name: 'w:txbxContent', children: [colophonTable(m), textboxEnd()] })],
      }),
    ],
  });
  return new PictureParagraph({ spacing: { line: height + LINE, lineRule: LineRuleType.EXACT } }, new BuilderElement({ name: 'w:pict', children: [textBoxType(), box] }));
}

const pageNumber = (align: Align) =>
  new Footer({
    children: [
      new Paragraph({
        alignment: align,
        indent: align === AlignmentType.RIGHT ? { right: SMALL_CHAR } : { left: SMALL_CHAR }, // 右空一字 / 左空一字
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font(NUMBER_FONT), size: SIZE.pageNumber })],
      }),
    ],
  });

export async function reportDocx(m: OfficialDocument, charts: ChartImage[], city: string): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    ...head(m),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: Math.round(1.5 * LINE), line: 700, lineRule: LineRuleType.EXACT }, children: [run(m.title, TITLE_FONT, SIZE.title)] }),
    new Paragraph({ spacing: { before: LINE, ...grid }, children: [run(m.recipients, BODY_FONT, SIZE.body)] }),
    ...blocks(m, new Map(charts.map((c) => [c.key, c])), city),
    ...closing(m),
    colophon(m),
  ];
  const doc = new Document({
    creator: m.signature,
    title: m.title,
    subject: m.docNumber ?? m.title,
    evenAndOddHeaderAndFooters: true,
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(210 * MM), height: Math.round(297 * MM) },
            margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM), footer: Math.round(23 * MM) }, // the number's dash line 7 mm under the 版心
            pageNumbers: { start: 1 },
          },
        },
        footers: { default: pageNumber(AlignmentType.RIGHT), even: pageNumber(AlignmentType.LEFT) },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
