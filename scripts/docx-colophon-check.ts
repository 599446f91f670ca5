/**
 * Where the Word document's 版记 lands when the .docx is laid out by a real word processor: builds reports whose body
 * is 0..N one-line paragraphs (so the last page runs from nearly empty to full, and past it), converts them to PDF with
 * LibreOffice (`soffice --headless --convert-to pdf`), reads the words' positions with poppler's `pdftotext -bbox` and
 * finds the rules on the last page rendered by `pdftoppm` (rows of dark pixels across most of the 版心). For each it
 * prints the pages, the page the 版记 is on, the bottom of the last body line, the 版记's text and its rules, and
 * checks that the 版记 is there once, on the last page, its last rule on the last line of the 版心, the body above its
 * first rule, and the page number below it.
 *
 *   npx tsx scripts/docx-colophon-check.ts [--max N] [--lines L] [--copies] [--keep DIR]
 *
 * --lines makes each paragraph L lines long, so that paragraphs break across pages.
 *
 * Needs `soffice` (Debian: libreoffice-writer-nogui) and `pdftotext` (poppler-utils); the test suite does not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reportDocx } from '../src/supervision/reports/docx';
import type { OfficialDocument } from '../src/supervision/reports/layout';

const { values } = parseArgs({ options: { max: { type: 'string', default: '44' }, copies: { type: 'boolean', default: false }, lines: { type: 'string', default: '1' }, keep: { type: 'string' } } });
const MM = 72 / 25.4;
const TEXT_BOTTOM = (297 - 35) * MM; // the 版心's last line ends here (points from the top of the page)
const PRINTER = '某市人大常委会办公室';

function model(paragraphs: number): OfficialDocument {
  return {
    issuerMark: '某市人大常委会文件',
    docNumber: '督导通报〔1〕1号',
    draft: false,
    title: '关于代表小组活动督查情况的报告',
    recipients: '各县（市、区）人大常委会：',
    // Each paragraph `--lines` lines long: 27 characters of 3号 to a line of the 版心, the first line two fewer (indent).
    blocks: Array.from({ length: paragraphs }, (_, i) => ({ type: 'paragraph' as const, text: `正文第${i + 1}段。`.padEnd(25 + 27 * (Number(values.lines) - 1) - 1, '文') + '。' })),
    attachments: [],
    signature: '某市人大常委会',
    date: '1月1日',
    colophon: { copiesTo: values.copies ? ['市人大常委会各工作委员会', '各县（市、区）人大常委会', '市人民政府办公室', '市中级人民法院', '市人民检察院'] : [], printer: PRINTER, printedOn: '1月2日印发' },
  };
}

interface Word { page: number; text: string; top: number; bottom: number }
function words(pdf: string): { pages: number; words: Word[] } {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const out: Word[] = [];
  let page = 0;
  for (const m of html.matchAll(/<page |<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[0] === '<page ') page++;
    else out.push({ page, text: m[3], top: Number(m[1]), bottom: Number(m[2]) });
  }
  return { pages: page, words: out };
}

async function main(): Promise<number> {
  /** The y (points from the top) of each horizontal rule longer than 400 pt on `page`: the 版记's, and the red line on page 1. */
function rules(pdf: string, page: number): number[] {
  const pgm = execFileSync('pdftoppm', ['-r', '72', '-gray', '-f', String(page), '-l', String(page), pdf]);
  const [magic, size] = pgm.toString('latin1').split('\n', 2);
  if (magic !== 'P5') throw new Error('pdftoppm gave no PGM');
  const [w, h] = size.split(' ').map(Number);
  const pixels = pgm.subarray(pgm.length - w * h);
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    let dark = 0;
    for (let x = 0; x < w; x++) if (pixels[y * w + x] < 160) dark++;
    if (dark > 400 && ys.at(-1) !== y - 1) ys.push(y);
  }
  return ys;
}

const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'colophon-'));
  const counts = Array.from({ length: Number(values.max) + 1 }, (_, i) => i);
  for (const n of counts) writeFileSync(join(dir, `body-${String(n).padStart(3, '0')}.docx`), await reportDocx(model(n), [], '某市'));
  execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, ...counts.map((n) => join(dir, `body-${String(n).padStart(3, '0')}.docx`))], { stdio: 'ignore' });

  let failures = 0;
  console.log(`body lines | pages | 版记 on | last body line bottom | 版记 text top–bottom | its rules | page number top (pt; the 版心 ends at ${TEXT_BOTTOM.toFixed(1)}) | verdict`);
  for (const n of counts) {
    const file = join(dir, `body-${String(n).padStart(3, '0')}.pdf`);
    readFileSync(file); // fails loudly when LibreOffice made no PDF
    const { pages, words: all } = words(file);
    const printer = all.filter((w) => w.text.includes(PRINTER));
    const colophonTop = Math.min(...all.filter((w) => w.page === pages && (w.text.includes(PRINTER) || w.text.startsWith('抄送') || w.text.endsWith('印发'))).map((w) => w.top));
    const colophonBottom = Math.max(...all.filter((w) => w.page === pages && w.text.endsWith('印发')).map((w) => w.bottom));
    const body = all.filter((w) => w.page === pages && w.bottom < TEXT_BOTTOM + 1 && w.top < colophonTop - 1);
    const bodyBottom = body.length ? Math.max(...body.map((w) => w.bottom)) : NaN;
    const ruleYs = rules(file, pages).filter((y) => y > colophonTop - 2 * 29);
  const numberTop = Math.min(...all.filter((w) => w.page === pages && w.top > colophonBottom).map((w) => w.top));
    const problems = [
      printer.length !== 1 && `印发机关 printed ${printer.length} times`,
      printer[0]?.page !== pages && `版记 on page ${printer[0]?.page} of ${pages}`,
      !(Math.abs(colophonBottom - TEXT_BOTTOM) < 8) && `版记 ends ${(colophonBottom - TEXT_BOTTOM).toFixed(1)} pt from the 版心's foot`,
      bodyBottom >= colophonTop && 'body runs under the 版记',
      !(numberTop > colophonBottom) && 'no page number under the 版记',
    ].filter(Boolean);
    if (problems.length) failures++;
    const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
    console.log(`${n} | ${pages} | ${printer.map((w) => w.page).join(',')} | ${fmt(bodyBottom)} | ${fmt(colophonTop)}–${fmt(colophonBottom)} | ${ruleYs.join(', ')} | ${fmt(numberTop)} | ${problems.length ? problems.join('; ') : 'ok'}`);
  }
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`docx and PDF files kept in ${dir}`);
  console.log(`${counts.length - failures} passed, ${failures} failed`);
  return failures;
}

main().then(
  (failures) => process.exit(failures ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
