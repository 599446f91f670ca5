/**
 * Existing suggestions of an office from a CSV or Excel (.xlsx) spreadsheet. Every row is checked first and every bad
 * row reported (row, column, why); a dry run (the default) only reports. A real import writes nothing unless all rows
 * are good, and then lands whole or not at all (see models/import-batch.ts). Rows arrive as `registered`, origin
 * `import`, with a tracking number; the registration date may be given.
 */
import { Types } from 'mongoose';
import { AppError } from '../errors';
import { deputyIdsByName } from '../content/references';
import { parseBeijingDateTime, readTable } from '../spreadsheets';
import { CATEGORIES, ImportBatch, Suggestion, type Category } from './models';
import { newSuggestionDoc, type NewSuggestion } from './records';
import type { Actor, SuggestionsContext } from './context';
import { suggestionTallies, tallyKeyOf } from './tallies';

/** Deletes an import's rows, their tally cells marked dirty first (the rows are read for their cells). */
async function deleteImportedRows(importId: Types.ObjectId): Promise<void> {
  const rows = await Suggestion.find({ 'origin.importId': importId }).select('registeredAt region.county category').lean();
  await suggestionTallies.around(rows.map(tallyKeyOf), () => Suggestion.deleteMany({ 'origin.importId': importId }));
}

export const IMPORT_MAX_ROWS = 5_000;
const STALE_BATCH_MS = 10 * 60_000;

const COLUMNS = {
  text: ['建议内容', '内容', 'text'],
  category: ['类别', '分类', 'category'],
  county: ['区县', '县（市、区）', 'county'],
  township: ['乡镇', '乡镇（街道）', 'township'],
  village: ['村', '村（社区）', 'village'],
  deputies: ['提出代表', '代表', 'deputies'],
  citizenName: ['群众姓名', 'citizen'],
  citizenPhone: ['群众电话', 'citizenphone'],
  registeredAt: ['登记日期', '登记时间', 'registeredat'],
  public: ['是否公开', '公开', 'public'],
} as const;
type Column = keyof typeof COLUMNS;
const LABEL: Record<Column, string> = {
  text: '建议内容', category: '类别', county: '区县', township: '乡镇', village: '村', deputies: '提出代表', citizenName: '群众姓名', citizenPhone: '群众电话', registeredAt: '登记日期', public: '是否公开',
};
const REQUIRED: Column[] = ['text', 'category', 'county', 'deputies'];

export interface RowProblem {
  row: number;
  column: string;
  value?: string;
  message: string;
}

export interface SuggestionImportReport {
  dryRun: boolean;
  format: 'csv' | 'xlsx';
  rows: number;
  create: number;
  errors: RowProblem[];
  imported: boolean;
  importId?: string;
}

interface GoodRow {
  row: number;
  input: NewSuggestion;
  registeredAt?: Date;
}

function headerMap(header: string[]): { columns: Map<Column, number>; problems: RowProblem[] } {
  const columns = new Map<Column, number>();
  const problems: RowProblem[] = [];
  header.forEach((raw, i) => {
    const name = String(raw ?? '').trim().toLowerCase();
    if (!name) return;
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(name));
    if (!column) problems.push({ row: 1, column: raw, message: `不认识的列"${raw}"：可用的列是 ${Object.values(LABEL).join('、')}` });
    else if (columns.has(column)) problems.push({ row: 1, column: raw, message: `"${LABEL[column]}"列重复` });
    else columns.set(column, i);
  });
  for (const c of REQUIRED) if (!columns.has(c)) problems.push({ row: 1, column: LABEL[c], message: `缺少"${LABEL[c]}"列` });
  return { columns, problems };
}

async function checkRows(table: string[][], now: Date): Promise<{ good: GoodRow[]; errors: RowProblem[]; rows: number }> {
  const [header = [], ...body] = table;
  const { columns, problems: errors } = headerMap(header);
  if (errors.length) return { good: [], errors, rows: 0 };
  const cell = (r: string[], c: Column) => (columns.has(c) ? String(r[columns.get(c)!] ?? '').trim() : '');
  const dataRows = body.map((r, i) => ({ r, row: i + 2 })).filter(({ r }) => r.some((v) => String(v ?? '').trim()));
  if (dataRows.length > IMPORT_MAX_ROWS) return { good: [], errors: [{ row: IMPORT_MAX_ROWS + 2, column: '', message: `一次最多导入 ${IMPORT_MAX_ROWS} 行，请分批导入` }], rows: dataRows.length };
  const names = dataRows.flatMap(({ r }) => splitNames(cell(r, 'deputies')));
  const ids = await deputyIdsByName(names);
  const good: GoodRow[] = [];
  for (const { r, row } of dataRows) {
    const before = errors.length;
    const problem = (column: Column, message: string, value?: string) => errors.push({ row, column: LABEL[column], ...(value ? { value: value.slice(0, 60) } : {}), message });
    const text = cell(r, 'text');
    if (!text) problem('text', '建议内容为空');
    else if ([...text].length > 5000) problem('text', '建议内容超过 5000 字');
    const category = cell(r, 'category');
    if (!(CATEGORIES as readonly string[]).includes(category)) problem('category', `类别应为 ${CATEGORIES.join('、')} 之一`, category);
    const county = cell(r, 'county');
    if (!county) problem('county', '区县为空');
    const deputyIds: string[] = [];
    const deputyNames = splitNames(cell(r, 'deputies'));
    if (!deputyNames.length) problem('deputies', '至少填写一位提出代表');
    for (const name of deputyNames) {
      const found = ids.get(name) ?? [];
      if (!found.length) problem('deputies', `没有名为「${name}」的代表档案`, name);
      else if (found.length > 1) problem('deputies', `有 ${found.length} 位代表名为「${name}」，请先在代表档案中区分`, name);
      else deputyIds.push(found[0]);
    }
    const phone = cell(r, 'citizenPhone').replace(/[\s-]/g, '');
    if (phone && !/^(1\d{10}|0\d{9,11})$/.test(phone)) problem('citizenPhone', '不是有效的电话号码', phone);
    const citizenName = cell(r, 'citizenName');
    if (phone && !citizenName) problem('citizenName', '填写了群众电话，也请填写群众姓名');
    const rawDate = cell(r, 'registeredAt');
    const registeredAt = rawDate ? parseBeijingDateTime(rawDate) : undefined;
    if (rawDate && !registeredAt) problem('registeredAt', '日期格式应为 2026-03-01 或 2026-03-01 14:30（北京时间）', rawDate);
    else if (registeredAt && registeredAt.getTime() > now.getTime()) problem('registeredAt', '登记日期不能晚于现在', rawDate);
    const rawPublic = cell(r, 'public');
    if (rawPublic && !['是', '否', '公开', '不公开'].includes(rawPublic)) problem('public', '应填"是"或"否"', rawPublic);
    if (errors.length !== before) continue;
    const village = cell(r, 'village');
    const township = cell(r, 'township');
    good.push({
      row,
      registeredAt,
      input: {
        text,
        category: category as Category,
        region: { county, ...(township ? { township } : {}), ...(village ? { village } : {}) },
        deputyIds,
        ...(citizenName ? { citizen: { name: citizenName, ...(phone ? { phone } : {}) } } : {}),
        attachmentIds: [],
        public: rawPublic === '是' || rawPublic === '公开',
      },
    });
  }
  return { good, errors, rows: dataRows.length };
}

function splitNames(cell: string): string[] {
  return cell.split(/[、,，;；\s]+/).map((n) => n.trim()).filter(Boolean);
}

/** Undoes imports a crash left half-written (no instance has touched them for a while). */
export async function rollBackStaleImports(sc: SuggestionsContext): Promise<number> {
  const stale = await ImportBatch.find({ status: 'writing', startedAt: { $lt: new Date(sc.clock.now().getTime() - STALE_BATCH_MS) } }).lean();
  for (const b of stale) {
    await deleteImportedRows(b._id);
    await ImportBatch.updateOne({ _id: b._id, status: 'writing' }, { $set: { status: 'rolled_back', finishedAt: sc.clock.now() } });
    sc.logger.warn({ importId: String(b._id) }, 'half-written suggestion import rolled back');
  }
  return stale.length;
}

export async function importSuggestions(sc: SuggestionsContext, input: { bytes: Buffer; fileName: string; dryRun: boolean; actor: Actor }): Promise<SuggestionImportReport> {
  const { format, table } = await readTable(input.bytes, input.fileName);
  const now = sc.clock.now();
  const { good, errors, rows } = await checkRows(table, now);
  if (!rows && !errors.length) errors.push({ row: 2, column: '', message: '文件中没有数据行' });
  const report: SuggestionImportReport = { dryRun: input.dryRun, format, rows, create: good.length, errors, imported: false };
  if (input.dryRun) return report;
  if (errors.length) throw new AppError(400, 'import_invalid', `有 ${errors.length} 处错误，未导入任何建议。请改正后再导入（可先试导入检查）`, report);
  await rollBackStaleImports(sc);
  const batch = await ImportBatch.create({ status: 'writing', fileName: input.fileName.slice(0, 200), rows: good.length, startedAt: now, by: new Types.ObjectId(input.actor.id) });
  try {
    const docs = good.map((g) => newSuggestionDoc(g.input, input.actor, now, { channel: 'import', importId: batch._id, row: g.row }, g.registeredAt ?? now));
    await suggestionTallies.around(docs.map((d) => tallyKeyOf(d as never)), () => Suggestion.insertMany(docs, { ordered: true }));
    await ImportBatch.updateOne({ _id: batch._id }, { $set: { status: 'done', finishedAt: sc.clock.now() } });
  } catch (err) {
    await deleteImportedRows(batch._id);
    await ImportBatch.updateOne({ _id: batch._id }, { $set: { status: 'failed', finishedAt: sc.clock.now() } });
    throw err;
  }
  sc.logger.info({ importId: String(batch._id), rows: good.length }, 'suggestions imported');
  return { ...report, imported: true, importId: String(batch._id) };
}
