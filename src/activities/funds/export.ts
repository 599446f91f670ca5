/** The year's ledger of a county for the finance office, as CSV (UTF-8 with BOM, opens in Excel) and as .xlsx. */
import { stringify } from 'csv-stringify/sync';

import type { Ledger } from './service';

const HEADER = ['乡镇', '代表姓名', '代表层级', '所在小组', '参加活动次数', '每次标准（元）', '年度上限（元）', '应发补贴（元）', '距上限（元）', '已发放（元）', '未发放（元）'];

function rowsOf(l: Ledger): (string | number)[][] {
  return l.deputies.map((d) => [d.township, d.name, d.levelLabel, d.groups.join('、'), d.attended, d.perActivity, d.cap, d.allowance, d.remainingUnderCap, d.paid, d.unpaid]);
}

function totalRow(l: Ledger): (string | number)[] {
  return ['合计', `${l.deputies.length}人`, '', '', l.deputies.reduce((s, d) => s + d.attended, 0), '', '', l.totals.allowance, l.totals.remainingUnderCap, l.totals.paid, l.totals.unpaid];
}

export function ledgerCsv(l: Ledger): string {
  return stringify([HEADER, ...rowsOf(l), totalRow(l)], { bom: true, record_delimiter: 'windows' });
}

export async function ledgerXlsx(l: Ledger): Promise<Buffer> {
  const { default: Excel } = await import('exceljs'); // loaded on the first export, not at start
  const book = new Excel.Workbook();
  book.creator = '连心';
  const sheet = book.addWorksheet(`${l.year}年活动经费`);
  sheet.addRow([`${l.scope.name}${l.year}年代表小组活动经费台账`]).font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, HEADER.length);
  const rate = (k: 'city' | 'county' | 'township', label: string) => `${label}每次${l.rule.rates[k].perActivity}元、全年最多${l.rule.rates[k].cap}元`;
  sheet.addRow([`标准：${rate('city', '市级代表')}；${rate('county', '县级代表')}；${rate('township', '乡镇代表')}`]);
  sheet.mergeCells(2, 1, 2, HEADER.length);
  sheet.addRow(HEADER).font = { bold: true };
  for (const r of rowsOf(l)) sheet.addRow(r);
  sheet.addRow(totalRow(l)).font = { bold: true };
  sheet.columns.forEach((c, i) => (c.width = i === 3 ? 28 : i < 3 ? 14 : 12));
  sheet.views = [{ state: 'frozen', ySplit: 3 }];
  const groups = book.addWorksheet('小组合计');
  groups.addRow(['乡镇', '代表小组', '成员人数', '参加活动人次', '补贴合计（元）']).font = { bold: true };
  for (const g of l.groups) groups.addRow([g.township, g.name, g.members, g.attended, g.total]);
  groups.columns.forEach((c, i) => (c.width = i === 1 ? 28 : 14));
  return Buffer.from(await book.xlsx.writeBuffer());
}
