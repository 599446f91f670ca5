/**
 * Bulk import of SMS subscribers from a CSV or Excel (.xlsx) file. Every row is checked first and every bad row
 * reported (row, column, why); nothing is written unless all rows are good. A dry run only reports. Each imported
 * subscriber keeps how the consent was obtained (`consentSource`, e.g. the paper form of a reception day) and when.
 * A number that unsubscribed is never re-added by an import: only the person can subscribe it again.
 */
import { parseBeijingDateTime, readTable } from '../spreadsheets';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { normalisePhone } from './phone';
import { Subscriber } from './subscriber';

export const IMPORT_MAX_ROWS = 20_000;
const NAME_MAX = 50;

/** Header names accepted per column (Chinese as staff write them, or English). */
const COLUMNS = {
  phone: ['手机号', '手机号码', '手机', '电话', 'phone', 'mobile'],
  name: ['姓名', '名字', 'name'],
  consentAt: ['同意时间', '订阅时间', 'consentat', 'consent_at', 'consent time'],
} as const;
type Column = keyof typeof COLUMNS;
const COLUMN_LABELS: Record<Column, string> = { phone: '手机号', name: '姓名', consentAt: '同意时间' };

export interface RowProblem {
  /** 1-based row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  column: string;
  value?: string;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  format: 'csv' | 'xlsx';
  /** Data rows read (blank rows not counted). */
  rows: number;
  /** New subscribers (written unless this is a dry run). */
  create: number;
  /** Numbers already subscribed: left as they are. */
  alreadyActive: number;
  errors: RowProblem[];
  /** True when the file was imported (no errors, not a dry run). */
  imported: boolean;
}

interface GoodRow {
  phone: string;
  name?: string;
  consentAt: Date;
}

function headerMap(header: string[]): { columns: Map<Column, number>; problems: RowProblem[] } {
  const columns = new Map<Column, number>();
  const problems: RowProblem[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!name) return;
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(name));
    if (!column) {
      problems.push({ row: 1, column: raw, message: `不认识的列"${raw}"：可用的列是 ${Object.values(COLUMN_LABELS).join('、')}` });
    } else if (columns.has(column)) {
      problems.push({ row: 1, column: raw, message: `"${COLUMN_LABELS[column]}"列重复` });
    } else {
      columns.set(column, i);
    }
  });
  if (!columns.has('phone')) problems.push({ row: 1, column: '手机号', message: '缺少"手机号"列（第一行应为列名：手机号、姓名、同意时间）' });
  return { columns, problems };
}

/** Checks every row; returns the good ones and every problem. */
async function checkRows(table: string[][], now: Date): Promise<{ good: GoodRow[]; errors: RowProblem[]; rows: number }> {
  const [header = [], ...body] = table;
  const { columns, problems: errors } = headerMap(header);
  if (errors.length) return { good: [], errors, rows: 0 };
  const cell = (r: string[], c: Column) => (columns.has(c) ? (r[columns.get(c)!] ?? '').trim() : '');
  const good: GoodRow[] = [];
  const firstRowOf = new Map<string, number>();
  let rows = 0;
  body.forEach((r, i) => {
    const row = i + 2;
    if (r.every((v) => !String(v ?? '').trim())) return; // a blank row
    rows += 1;
    const before = errors.length;
    const rawPhone = cell(r, 'phone');
    const phone = normalisePhone(rawPhone);
    if (!rawPhone) errors.push({ row, column: '手机号', message: '手机号为空' });
    else if (!phone) errors.push({ row, column: '手机号', value: rawPhone, message: '不是有效的中国大陆手机号（11 位，1 开头）' });
    else if (firstRowOf.has(phone)) errors.push({ row, column: '手机号', value: rawPhone, message: `与第 ${firstRowOf.get(phone)} 行的号码重复` });
    const name = cell(r, 'name');
    if ([...name].length > NAME_MAX) errors.push({ row, column: '姓名', value: name.slice(0, 60), message: `姓名超过 ${NAME_MAX} 个字` });
    const rawConsent = cell(r, 'consentAt');
    const consentAt = rawConsent ? parseBeijingDateTime(rawConsent) : now;
    if (!consentAt) errors.push({ row, column: '同意时间', value: rawConsent, message: '日期格式应为 2026-03-01 或 2026-03-01 14:30（北京时间）' });
    else if (consentAt.getTime() > now.getTime()) errors.push({ row, column: '同意时间', value: rawConsent, message: '同意时间不能晚于现在' });
    if (phone && !firstRowOf.has(phone)) firstRowOf.set(phone, row);
    if (errors.length === before && phone && consentAt) good.push({ phone, consentAt, ...(name ? { name } : {}) });
  });
  if (rows > IMPORT_MAX_ROWS) return { good: [], errors: [{ row: IMPORT_MAX_ROWS + 2, column: '', message: `一次最多导入 ${IMPORT_MAX_ROWS} 行，请分批导入` }], rows };
  // Numbers that unsubscribed stay unsubscribed: only the person can subscribe again.
  const phones = good.map((g) => g.phone);
  const known = phones.length ? await Subscriber.find({ phone: { $in: phones } }).select('phone status unsubscribedAt').lean() : [];
  const unsubscribed = new Map(known.filter((k) => k.status === 'unsubscribed').map((k) => [k.phone, k.unsubscribedAt]));
  for (const g of good) {
    if (!unsubscribed.has(g.phone)) continue;
    const at = unsubscribed.get(g.phone);
    errors.push({
      row: firstRowOf.get(g.phone)!,
      column: '手机号',
      value: g.phone.replace(/^\+86/, ''),
      message: `该号码${at ? `已于 ${at.toISOString().slice(0, 10)} ` : '已'}退订，不能通过导入重新订阅（需本人重新订阅）`,
    });
  }
  errors.sort((a, b) => a.row - b.row);
  return { good: good.filter((g) => !unsubscribed.has(g.phone)), errors, rows };
}

export interface ImportInput {
  bytes: Buffer;
  fileName: string;
  dryRun: boolean;
  /** How the consent was obtained, recorded on every subscriber (e.g. "2026年3月代表接待日现场登记表"). */
  consentSource: string;
  importedBy: string;
}

export async function importSubscribers(clock: Clock, input: ImportInput): Promise<ImportReport> {
  const { format, table } = await readTable(input.bytes, input.fileName);
  const now = clock.now();
  const { good, errors, rows } = await checkRows(table, now);
  const active = new Set(
    good.length ? (await Subscriber.find({ phone: { $in: good.map((g) => g.phone) }, status: 'active' }).select('phone').lean()).map((s) => s.phone) : [],
  );
  const fresh = good.filter((g) => !active.has(g.phone));
  const report: ImportReport = { dryRun: input.dryRun, format, rows, create: fresh.length, alreadyActive: active.size, errors, imported: false };
  if (!rows && !errors.length) errors.push({ row: 2, column: '', message: '文件中没有数据行' });
  if (input.dryRun) return report;
  if (errors.length) {
    throw new AppError(400, 'import_invalid', `有 ${errors.length} 处错误，未导入任何号码。请改正后再导入（可先试导入检查）`, report);
  }
  if (fresh.length) {
    await Subscriber.bulkWrite(
      fresh.map((g) => ({
        updateOne: {
          // Only a number nobody subscribed meanwhile: an existing record (active or not) is left alone.
          filter: { phone: g.phone },
          update: {
            $setOnInsert: {
              phone: g.phone,
              ...(g.name ? { name: g.name } : {}),
              status: 'active',
              consentAt: g.consentAt,
              source: 'import',
              consentSource: input.consentSource,
              importedBy: input.importedBy,
              unsubscribedAt: null,
              createdAt: now,
              updatedAt: now,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  return { ...report, imported: true };
}
