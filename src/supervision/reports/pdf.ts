/**
 * The report as a PDF in the official-document layout (GB/T 9704-2012), laid out by pdfkit from the same
 * OfficialDocument model as the Word file: A4, 版心 156 × 225 mm (top 37 mm, left 28 mm); 发文机关标志 in red 35 mm
 * below the top of the 版心, 文号 two lines under it, the red separator 4 mm under the 文号; title in 2号 two lines
 * under the line; 主送机关 one line under the title; body in 3号 on a 22-line grid (28.95 pt), headings 一、 in 黑体
 * and （一） in 楷体; 附件说明; 署名 and 成文日期 right; 版记 between thick and thin rules at the foot of the last page;
 * page numbers "— 1 —" in 4号 7 mm under the 版心, odd pages right and even pages left. The fonts are embedded as
 * subsets (a PDF must carry its glyphs); which files, see pdf-fonts.ts.
 */
import PDFDocument from 'pdfkit';
import type { Config } from '../../config';
import type { ChartImage } from './charts';
import { HEAD, markSizePt, pageNumberText, RED as RED_HEX, type OfficialDocument } from './layout';
import type { Block } from './text';
import { reportFonts, type FontName, type FontRole, type ReportFonts } from './pdf-fonts';

const MM = 72 / 25.4;
const PAGE = { width: 210 * MM, height: 297 * MM };
const MARGIN = { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM };
const WIDTH = PAGE.width - MARGIN.left - MARGIN.right; // 156 mm
const LINE = 28.95; // 22 lines in the 225 mm 版心
const SIZE = { title: 22, body: 16, table: 14, tableDense: 12, caption: 14, source: 12, pageNumber: HEAD.pageNumberPt };
const RED = `#${RED_HEX}`;
const INDENT = 2 * SIZE.body; // 左空二字

/** The document and its fonts: every text goes through `fonts` so a character the role's font lacks gets the fallback. */
interface Doc extends PDFKit.PDFDocument {
  fonts: ReportFonts;
  registered: Set<FontName>;
}

const NAMES: FontName[] = ['title', 'body', 'heading', 'kai', 'fallback'];

/**
 * The font by name, registered on first use from the face parsed once per process (pdfkit 0.20 takes a fontkit font as
 * a source; its types do not say so); the fallback is read only if some character needs it. Roles set in the same
 * face (by default the title and the body) share one registration: pdfkit caches a font under the first name it was
 * opened by and, finding the same face again under another name, does not cache that name, so it would open it
 * again on every switch to it (every table cell: a new embedded font each time).
 */
function pick(doc: Doc, name: FontName): FontName {
  const { sources } = doc.fonts;
  const same = NAMES.find((n) => sources[n].file === sources[name].file && sources[n].postscriptName === sources[name].postscriptName) ?? name;
  if (!doc.registered.has(same)) {
    doc.registerFont(same, doc.fonts.face(same) as unknown as PDFKit.Mixins.PDFFontSource);
    doc.registered.add(same);
  }
  return same;
}

/** Set in the role's font (or the fallback, if the text needs it) at `size`. */
const use = (doc: Doc, role: FontRole, size: number, text: string) => doc.font(pick(doc, doc.fonts.fontFor(role, text))).fontSize(size);

/** Text on the 22-line grid: each line LINE points high whatever the font's own metrics; rare characters in the fallback. */
function gridText(doc: Doc, role: FontRole, size: number, text: string, options: PDFKit.Mixins.TextOptions = {}) {
  doc.font(pick(doc, role)).fontSize(size);
  const gap = Math.max(0, LINE - doc.currentLineHeight());
  const runs = doc.fonts.runs(role, text);
  if (runs.length === 1) {
    doc.text(text, MARGIN.left, doc.y, { width: WIDTH, lineGap: gap, ...options });
    return;
  }
  // Mixed fonts: pdfkit aligns each run by its own font's ascender, so place them all on the alphabetic baseline.
  const ascent = ((doc as unknown as { _font: { ascender: number } })._font.ascender / 1000) * size;
  const top = doc.y;
  runs.forEach((r, i) => {
    doc.font(pick(doc, r.font)).fontSize(size);
    const opts = { width: WIDTH, lineGap: gap, ...options, baseline: 'alphabetic' as const, continued: i < runs.length - 1 };
    if (i === 0) doc.text(r.text, MARGIN.left, top + ascent, opts);
    else doc.text(r.text, opts);
  });
  doc.y -= ascent;
}

function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > PAGE.height - MARGIN.bottom) doc.addPage();
}

function table(doc: Doc, b: Extract<Block, { type: 'table' }>) {
  const size = b.header.length > 6 ? SIZE.tableDense : SIZE.table;
  ensureSpace(doc, LINE * 3);
  use(doc, 'heading', SIZE.caption, b.caption).text(b.caption, MARGIN.left, doc.y + 6, { width: WIDTH, align: 'center' });
  doc.moveDown(0.3);
  const cell = (text: string, header: boolean): PDFKit.Mixins.CellOptions => ({ text, font: { src: pick(doc, doc.fonts.fontFor(header ? 'heading' : 'body', text)), size }, type: header ? 'TH' : 'TD' });
  // pdfkit's table restores the font in use before each cell by its source; a registered font's source is its bytes,
  // which it would parse again for every cell. A standard font is restored from its cache.
  doc.font('Helvetica').fontSize(size);
  doc.table({
    position: { x: MARGIN.left, y: doc.y },
    maxWidth: WIDTH,
    defaultStyle: { border: 0.75, padding: [3, 2, 3, 2], align: { x: 'center', y: 'center' } },
    data: [b.header.map((h) => cell(h, true)), ...b.rows.map((r) => r.map((c) => cell(c, false)))],
  });
  doc.x = MARGIN.left;
  doc.moveDown(0.6);
}

function chart(doc: Doc, c: ChartImage | undefined, city: string) {
  if (!c) return;
  const width = 118 * MM;
  const height = (width * c.height) / c.width;
  ensureSpace(doc, height + LINE * 2);
  use(doc, 'heading', SIZE.caption, c.title).text(c.title, MARGIN.left, doc.y + 6, { width: WIDTH, align: 'center' });
  const top = doc.y + 4;
  doc.image(c.png, MARGIN.left + (WIDTH - width) / 2, top, { width, height });
  const source = `数据来源：${city}“人大代表在行动”工作平台`;
  use(doc, 'body', SIZE.source, source).text(source, MARGIN.left, top + height + 4, { width: WIDTH, align: 'center' });
  doc.x = MARGIN.left;
  doc.moveDown(0.6);
}

function head(doc: Doc, m: OfficialDocument) {
  if (m.draft) doc.font(pick(doc, 'heading')).fontSize(SIZE.body).text('（征求意见稿）', MARGIN.left, MARGIN.top, { width: WIDTH, align: 'right' });
  // 发文机关标志: centred, red, no wider than the 版心.
  const markSize = markSizePt(m.issuerMark, WIDTH);
  use(doc, 'title', markSize, m.issuerMark).fillColor(RED);
  doc.text(m.issuerMark, MARGIN.left, MARGIN.top + HEAD.markTopMm * MM, { width: WIDTH, align: 'center', characterSpacing: markSize * HEAD.markSpacing });
  doc.fillColor('black');
  let y = doc.y + HEAD.numberGapLines * LINE;
  if (m.docNumber) {
    use(doc, 'body', SIZE.body, m.docNumber).text(m.docNumber, MARGIN.left, y, { width: WIDTH, align: 'center' });
    y = doc.y;
  }
  y += HEAD.lineGapMm * MM;
  doc.save().moveTo(MARGIN.left, y).lineTo(MARGIN.left + WIDTH, y).lineWidth(HEAD.lineWidthPt).strokeColor(RED).stroke().restore();
  doc.y = y + 2 * LINE - LINE / 2;
  use(doc, 'title', SIZE.title, m.title).text(m.title, MARGIN.left, doc.y, { width: WIDTH, align: 'center', lineGap: 8 });
  doc.y += LINE;
  gridText(doc, 'body', SIZE.body, m.recipients);
}

function closing(doc: Doc, m: OfficialDocument) {
  if (m.attachments.length) {
    doc.y += LINE;
    const list = m.attachments.length === 1 ? m.attachments[0] : m.attachments.map((a, i) => `${i + 1}.${a}`).join('\n');
    gridText(doc, 'body', SIZE.body, `附件：${list}`, { indent: INDENT });
  }
  ensureSpace(doc, LINE * 3);
  doc.y += LINE;
  // 成文日期 右空四字; the 署名 centred over the date.
  use(doc, 'body', SIZE.body, m.signature + m.date);
  const dateWidth = doc.widthOfString(m.date);
  const dateRight = MARGIN.left + WIDTH - 4 * SIZE.body;
  const signWidth = doc.widthOfString(m.signature);
  const centre = dateRight - dateWidth / 2;
  const signX = Math.min(centre - signWidth / 2, MARGIN.left + WIDTH - 2 * SIZE.body - signWidth);
  const y = doc.y;
  doc.text(m.signature, signX, y, { lineBreak: false });
  doc.text(m.date, dateRight - dateWidth, y + LINE, { lineBreak: false });
  doc.x = MARGIN.left;
  doc.y = y + 2 * LINE;
}

/**
 * 版记 at the foot of the last page: thick rule, 抄送, thin rule, 印发机关 … 印发日期, thick rule. Each row is one line of
 * the grid high, text centred in it; a long 抄送 wraps, its next lines under the first name (回行时与冒号后的首字对齐),
 * and its row grows by a line per line.
 */
function colophon(doc: Doc, m: OfficialDocument) {
  use(doc, 'body', SIZE.table, m.colophon.printer + m.colophon.copiesTo.join(''));
  const gap = Math.max(0, LINE - doc.currentLineHeight());
  const inset = MARGIN.left + SIZE.table; // 左右各空一字
  const label = '抄送：';
  const names = `${m.colophon.copiesTo.join('，')}。`;
  const namesX = inset + doc.widthOfString(label);
  const namesWidth = MARGIN.left + WIDTH - SIZE.table - namesX;
  const copiesLines = m.colophon.copiesTo.length ? Math.max(1, Math.round(doc.heightOfString(names, { width: namesWidth, lineGap: gap }) / LINE)) : 0;
  const rows = [...(copiesLines ? [{ lines: copiesLines, copies: true }] : []), { lines: 1, copies: false }];
  const height = rows.reduce((sum, r) => sum + r.lines * LINE, 0) + 4;
  const bottom = PAGE.height - MARGIN.bottom;
  ensureSpace(doc, height + LINE);
  const rule = (y: number, width: number) => doc.save().moveTo(MARGIN.left, y).lineTo(MARGIN.left + WIDTH, y).lineWidth(width).strokeColor('black').stroke().restore();
  let y = bottom - height;
  rule(y, HEAD.colophonThickMm * MM);
  rows.forEach((row, i) => {
    const top = y + gap / 2;
    if (row.copies) {
      doc.text(label, inset, top, { lineBreak: false });
      doc.text(names, namesX, top, { width: namesWidth, lineGap: gap });
    } else {
      doc.text(m.colophon.printer, inset, top, { lineBreak: false });
      doc.text(m.colophon.printedOn, MARGIN.left, top, { width: WIDTH - SIZE.table, align: 'right', lineBreak: false });
    }
    y += row.lines * LINE;
    rule(y, (i === rows.length - 1 ? HEAD.colophonThickMm : HEAD.colophonThinMm) * MM);
  });
}

function pageNumbers(doc: Doc) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const n = i + 1;
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing under the 版心 must not open a new page
    doc.font(pick(doc, 'body')).fontSize(SIZE.pageNumber);
    const y = PAGE.height - MARGIN.bottom + 7 * MM;
    const text = pageNumberText(n);
    if (n % 2 === 1) doc.text(text, MARGIN.left, y, { width: WIDTH - SIZE.pageNumber, align: 'right', lineBreak: false });
    else doc.text(text, MARGIN.left + SIZE.pageNumber, y, { lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
}

export async function reportPdf(config: Config, m: OfficialDocument, charts: ChartImage[], city: string, date: Date): Promise<Buffer> {
  const fonts = reportFonts(config);
  const doc: Doc = Object.assign(new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: m.title, Author: m.signature, Subject: m.docNumber ?? m.title, Creator: 'lianxin', CreationDate: date, ModDate: date },
  }), { fonts, registered: new Set<FontName>() });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const byKey = new Map(charts.map((c) => [c.key, c]));
  head(doc, m);
  for (const b of m.blocks) {
    if (b.type === 'heading1') gridText(doc, 'heading', SIZE.body, b.text, { indent: INDENT });
    else if (b.type === 'heading2') gridText(doc, 'kai', SIZE.body, b.text, { indent: INDENT });
    else if (b.type === 'paragraph') gridText(doc, 'body', SIZE.body, b.text, { indent: INDENT, align: 'justify' });
    else if (b.type === 'table') table(doc, b);
    else if (b.type === 'chart') chart(doc, byKey.get(b.key), city);
  }
  closing(doc, m);
  colophon(doc, m);
  pageNumbers(doc);
  doc.end();
  return done;
}
