/**
 * The report as a Word document in the official-document layout (GB/T 9704-2012): A4 with top 37 mm, bottom 35 mm,
 * left 28 mm, right 26 mm margins; title in 2号 方正小标宋简体, centred; body in 3号 仿宋_GB2312 at a fixed 28.95 pt
 * line (22 lines a page); "一、" headings in 3号 黑体, "（一）" in 3号 楷体_GB2312; tables in 4号 仿宋; charts as images
 * with the title above and the source below; page numbers in 4号 宋体 "— 1 —", odd pages right, even pages left.
 * Fonts are named, not embedded: the offices have them installed.
 */
import {
  AlignmentType,
  BorderStyle,
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
  TextRun,
  WidthType,
} from 'docx';
import type { ReportData } from './data';
import type { ChartImage } from './charts';
import { reportBlocks, reportDate, type Block } from './text';
import type { DocumentMeta } from './layout';

const MM = 56.7; // twips per millimetre
const TITLE_FONT = '方正小标宋简体';
const BODY_FONT = '仿宋_GB2312';
const H1_FONT = '黑体';
const H2_FONT = '楷体_GB2312';
const NUMBER_FONT = '宋体';
const LINE = 579; // 28.95 pt in twips: 22 lines in the 225 mm text block
const SIZE = { title: 44, body: 32, table: 28, pageNumber: 28 }; // half-points: 2号 22pt, 3号 16pt, 4号 14pt

const font = (name: string) => ({ ascii: name === BODY_FONT ? 'Times New Roman' : name, hAnsi: name === BODY_FONT ? 'Times New Roman' : name, eastAsia: name, cs: name });
const run = (text: string, f: string, size: number, bold = false) => new TextRun({ text, font: font(f), size, bold });
const body = (text: string, options: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) =>
  new Paragraph({
    children: [run(text, BODY_FONT, SIZE.body)],
    spacing: { line: LINE, lineRule: LineRuleType.EXACT },
    indent: options.indent === false ? undefined : { firstLine: 640 }, // two characters of 3号
    alignment: options.align ?? AlignmentType.JUSTIFIED,
  });

function table(b: Extract<Block, { type: 'table' }>): (Paragraph | Table)[] {
  const cell = (text: string, header: boolean) =>
    new TableCell({
      children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, header ? H1_FONT : BODY_FONT, SIZE.table)] })],
    });
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  return [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120, after: 60 }, children: [run(b.caption, H1_FONT, SIZE.table)] }),
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
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120 }, children: [run(c.title, H1_FONT, SIZE.table)] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new ImageRun({ type: 'png', data: c.png, transformation: { width: px, height: Math.round((px * c.height) / c.width) }, altText: { name: c.key, title: c.title, description: c.title } })],
    }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [run(`数据来源：${city}“人大代表在行动”工作平台`, BODY_FONT, 24)] }),
  ];
}

const pageNumber = (align: (typeof AlignmentType)[keyof typeof AlignmentType]) =>
  new Footer({ children: [new Paragraph({ alignment: align, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font(NUMBER_FONT), size: SIZE.pageNumber })] })] });


export async function reportDocx(d: ReportData, charts: ChartImage[], meta: DocumentMeta): Promise<Buffer> {
  const byKey = new Map(charts.map((c) => [c.key, c]));
  const children: (Paragraph | Table)[] = [];
  if (meta.draft) children.push(new Paragraph({ alignment: AlignmentType.RIGHT, children: [run('（征求意见稿）', H1_FONT, SIZE.body)] }));
  if (meta.docNumber) children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [run(meta.docNumber, BODY_FONT, SIZE.body)] }));
  children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 480, line: 700, lineRule: LineRuleType.EXACT }, children: [run(d.title, TITLE_FONT, SIZE.title)] }));
  for (const b of reportBlocks(d)) {
    if (b.type === 'heading1') children.push(new Paragraph({ spacing: { line: LINE, lineRule: LineRuleType.EXACT }, indent: { firstLine: 640 }, children: [run(b.text, H1_FONT, SIZE.body)] }));
    else if (b.type === 'heading2') children.push(new Paragraph({ spacing: { line: LINE, lineRule: LineRuleType.EXACT }, indent: { firstLine: 640 }, children: [run(b.text, H2_FONT, SIZE.body)] }));
    else if (b.type === 'paragraph') children.push(body(b.text));
    else if (b.type === 'table') children.push(...table(b));
    else if (b.type === 'chart') children.push(...chart(byKey.get(b.key), d.city));
  }
  children.push(new Paragraph({ children: [] }), body(meta.issuer, { indent: false, align: AlignmentType.RIGHT }), body(reportDate(meta.date), { indent: false, align: AlignmentType.RIGHT }));
  const doc = new Document({
    creator: meta.issuer,
    title: d.title,
    description: `${d.period.label} ${d.title}`,
    evenAndOddHeaderAndFooters: true,
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(210 * MM), height: Math.round(297 * MM) },
            margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM), footer: Math.round(28 * MM) },
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
