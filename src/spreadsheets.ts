/**
 * Spreadsheets people upload (subscriber and suggestion imports): CSV or Excel .xlsx as rows of text cells, and the
 * Beijing-time dates written in them. Old .xls files are refused with a way out.
 */
import { parse as parseCsv } from 'csv-parse/sync';
// exceljs is large (hundreds of modules): loaded on the first spreadsheet, not at start.
import type ExcelJS from 'exceljs';
import { BadRequestError } from './errors';
import { beijingParts, beijingTime } from './calendar/beijing';

/** Reads the file into rows of text cells (first sheet for Excel). */
export async function readTable(bytes: Buffer, fileName: string): Promise<{ format: 'csv' | 'xlsx'; table: string[][] }> {
  const isZip = bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;
  if (isZip || /\.xlsx$/i.test(fileName)) {
    const { default: Excel } = await import('exceljs');
    const book = new Excel.Workbook();
    try {
      await book.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw new BadRequestError('无法读取 Excel 文件：请另存为 .xlsx（或 CSV）后再导入', 'import_unreadable');
    }
    const sheet = book.worksheets[0];
    if (!sheet) throw new BadRequestError('Excel 文件中没有工作表', 'import_unreadable');
    const table: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      table[rowNumber - 1] = values.map(cellText);
    });
    return { format: 'xlsx', table: Array.from(table, (r) => r ?? []) };
  }
  if (/\.xls$/i.test(fileName) || (bytes.length > 8 && bytes.readUInt32LE(0) === 0xe011cfd0)) {
    throw new BadRequestError('不支持旧版 .xls 文件：请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再导入', 'import_unsupported_format');
  }
  try {
    const table = parseCsv(bytes, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
    return { format: 'csv', table };
  } catch (err) {
    throw new BadRequestError(`无法读取 CSV 文件：${(err as Error).message}`, 'import_unreadable');
  }
}

/** A cell as text; Excel dates become "YYYY-MM-DD HH:mm" (their wall time), numbers lose any ".0". */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 16).replace('T', ' ');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (v.richText) return v.richText.map((t) => t.text).join('').trim();
    if (v.result !== undefined) return cellText(v.result as ExcelJS.CellValue);
    if (v.text !== undefined) return String(v.text).trim();
  }
  return String(value).trim();
}

/** "2026-03-01", "2026/3/1 14:30" (Beijing time) → instant; undefined when it is not such a date. */
export function parseBeijingDateTime(text: string): Date | undefined {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const at = beijingTime(y, mo, d, h, mi, s);
  // Reject 2026-02-30 and the like (Date would roll them over).
  const back = beijingParts(at);
  return back.year === y && back.month === mo && back.day === d ? at : undefined;
}
