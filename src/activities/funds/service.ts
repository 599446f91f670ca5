/**
 * Activity funds: each deputy's allowance of a year = activities attended × the year's rate for their level,
 * never above the year's cap; group totals; what is left under the cap; payments recorded against the allowance.
 */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { FundRates } from '../../config';
import { DEPUTY_LEVEL_LABELS } from '../../content/enums';
import { deputiesByIds, groupRosters, type RosterDeputy } from '../../content/roster';
import { rostersOf } from '../rosters';
import { attendanceByDeputy, presentByDeputy, presentInGroup, type Scope } from '../queries';
import { parsePeriod } from '../../calendar/periods';
import { beijingParts } from '../../calendar/beijing';
import type { Actor, ActivitiesContext } from '../context';
import { FundAccount, FundRule, type FundRuleDoc } from './models';

export interface RuleView {
  year: number;
  rates: FundRates;
  source: FundRuleDoc['source'];
  setAt: Date;
}

const toRuleView = (r: FundRuleDoc): RuleView => ({ year: r._id, rates: r.rates, source: r.source, setAt: r.setAt });

/** The rule of a year; the first use of a year stores the configured default for it, so later changes leave it be. */
export async function ruleFor(ctx: ActivitiesContext, year: number): Promise<RuleView> {
  const existing = await FundRule.findById(year).lean<FundRuleDoc>();
  if (existing) return toRuleView(existing);
  const stored = await FundRule.findOneAndUpdate(
    { _id: year },
    { $setOnInsert: { rates: ctx.config.activityFunds.defaultRates, source: 'default', setAt: ctx.clock.now() } },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  return toRuleView(stored as FundRuleDoc);
}

/** Sets the rule of this or a coming year; a past year's rule is closed (its ledger has been paid out by it). */
export async function setRule(ctx: ActivitiesContext, year: number, rates: FundRates, actor: Actor): Promise<RuleView> {
  const current = beijingParts(ctx.clock.now()).year;
  if (year < current) throw new ConflictError(`${year}年已经结束，其活动经费标准不能再修改`, 'year_closed', [{ field: 'params.year', message: '往年的标准不能修改' }]);
  const problems = (['city', 'county', 'township'] as const)
    .filter((l) => rates[l].cap < rates[l].perActivity)
    .map((l) => ({ field: `body.rates.${l}.cap`, message: '年度上限不能低于每次标准' }));
  if (problems.length) throw new ValidationError('活动经费标准有误', problems);
  const doc = await FundRule.findOneAndUpdate(
    { _id: year },
    { $set: { rates, source: 'set', setBy: new Types.ObjectId(actor.id), setAt: ctx.clock.now() } },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  return toRuleView(doc as FundRuleDoc);
}

export function allowanceOf(rates: FundRates, level: RosterDeputy['level'], attended: number): number {
  const rate = rates[level];
  return Math.min(attended * rate.perActivity, rate.cap);
}

export interface DeputyFunds {
  deputyId: string;
  name: string;
  level: RosterDeputy['level'];
  levelLabel: string;
  groups: string[];
  township: string;
  attended: number;
  perActivity: number;
  cap: number;
  allowance: number;
  remainingUnderCap: number;
  paid: number;
  unpaid: number;
}

export interface GroupFunds {
  groupId: string;
  name: string;
  township: string;
  members: number;
  attended: number;
  total: number;
}

export interface Ledger {
  year: number;
  scope: Scope;
  rule: RuleView;
  deputies: DeputyFunds[];
  groups: GroupFunds[];
  totals: { allowance: number; paid: number; unpaid: number; remainingUnderCap: number };
}

async function paidBy(deputyIds: string[], year: number): Promise<Map<string, number>> {
  const rows = await FundAccount.find({ year, deputyId: { $in: deputyIds.map((id) => new Types.ObjectId(id)) } }).select('deputyId paid').lean();
  return new Map(rows.map((r) => [String(r.deputyId), r.paid]));
}

/** The year's ledger of a place: every member of its groups, and every group. */
export async function ledger(ctx: ActivitiesContext, scope: Scope, year: number): Promise<Ledger> {
  const rule = await ruleFor(ctx, year);
  const [groups, rows] = await Promise.all([rostersOf(scope), attendanceByDeputy(scope, parsePeriod(String(year))!)]);
  const attended = new Map<string, number>();
  const inGroup = new Map<string, number>();
  for (const r of rows) {
    attended.set(r.deputyId, (attended.get(r.deputyId) ?? 0) + r.present);
    inGroup.set(`${r.groupId}|${r.deputyId}`, r.present);
  }
  const people = new Map<string, { d: RosterDeputy; groups: string[]; township: string }>();
  for (const g of groups) {
    for (const m of g.members) {
      const entry = people.get(m.id) ?? { d: m, groups: [], township: g.region.township ?? '' };
      entry.groups.push(g.name);
      people.set(m.id, entry);
    }
  }
  const paid = await paidBy([...people.keys()], year);
  const deputies = [...people.values()].map(({ d, groups: names, township }) => {
    const count = attended.get(d.id) ?? 0;
    const allowance = allowanceOf(rule.rates, d.level, count);
    const p = paid.get(d.id) ?? 0;
    return {
      deputyId: d.id,
      name: d.name,
      level: d.level,
      levelLabel: DEPUTY_LEVEL_LABELS[d.level],
      groups: names,
      township,
      attended: count,
      perActivity: rule.rates[d.level].perActivity,
      cap: rule.rates[d.level].cap,
      allowance,
      remainingUnderCap: rule.rates[d.level].cap - allowance,
      paid: p,
      unpaid: allowance - p,
    };
  });
  deputies.sort((a, b) => a.township.localeCompare(b.township, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
  const groupFunds = groups.map((g) => {
    let count = 0;
    let total = 0;
    for (const m of g.members) {
      const n = inGroup.get(`${g.id}|${m.id}`) ?? 0;
      count += n;
      total += allowanceOf(rule.rates, m.level, n);
    }
    return { groupId: g.id, name: g.name, township: g.region.township ?? '', members: g.members.length, attended: count, total };
  });
  const sum = (k: 'allowance' | 'paid' | 'unpaid' | 'remainingUnderCap') => deputies.reduce((s, d) => s + d[k], 0);
  return { year, scope, rule, deputies, groups: groupFunds, totals: { allowance: sum('allowance'), paid: sum('paid'), unpaid: sum('unpaid'), remainingUnderCap: sum('remainingUnderCap') } };
}

export async function deputyFunds(ctx: ActivitiesContext, deputyId: string, year: number) {
  const deputy = (await deputiesByIds([deputyId])).get(deputyId);
  if (!deputy) throw new NotFoundError('代表不存在');
  const rule = await ruleFor(ctx, year);
  const attended = (await presentByDeputy([deputyId], year)).get(deputyId) ?? 0;
  const allowance = allowanceOf(rule.rates, deputy.level, attended);
  const account = await FundAccount.findById(`${year}|${deputyId}`).lean();
  const paid = account?.paid ?? 0;
  return {
    year,
    deputyId,
    name: deputy.name,
    level: deputy.level,
    attended,
    perActivity: rule.rates[deputy.level].perActivity,
    cap: rule.rates[deputy.level].cap,
    allowance,
    remainingUnderCap: rule.rates[deputy.level].cap - allowance,
    paid,
    unpaid: allowance - paid,
    payments: (account?.payments ?? []).map((p) => ({ amount: p.amount, paidAt: p.paidAt, note: p.note })),
  };
}

export async function groupFunds(ctx: ActivitiesContext, groupId: string, year: number) {
  const [group] = await groupRosters({ ids: [groupId] });
  if (!group) throw new NotFoundError('代表小组不存在');
  const rule = await ruleFor(ctx, year);
  const present = await presentInGroup(groupId, year);
  const members = group.members.map((m) => {
    const attended = present.get(m.id) ?? 0;
    const allowance = allowanceOf(rule.rates, m.level, attended);
    return { deputyId: m.id, name: m.name, level: m.level, attended, allowance, remainingUnderCap: rule.rates[m.level].cap - allowance };
  });
  return { year, groupId, name: group.name, rule, members, total: members.reduce((s, m) => s + m.allowance, 0) };
}

/**
 * Records a payment to a deputy. It may not take the year's payments past the allowance earned so far (which
 * itself never passes the cap); the check and the write are one conditional update, so two clerks cannot overpay.
 */
export async function recordPayment(ctx: ActivitiesContext, input: { deputyId: string; year: number; amount: number; note?: string }, actor: Actor) {
  const funds = await deputyFunds(ctx, input.deputyId, input.year);
  const limit = funds.allowance;
  const refuse = (paid: number) =>
    new ValidationError(
      paid + input.amount > funds.cap ? `超过年度上限：${funds.cap}元` : `超过已产生的活动补贴：${limit}元`,
      [{ field: 'body.amount', message: `本年度最多还能发放${Math.max(0, limit - paid)}元（已参加${funds.attended}次活动，年度上限${funds.cap}元，已发放${paid}元）` }],
    );
  if (funds.paid + input.amount > limit) throw refuse(funds.paid);
  const id = `${input.year}|${input.deputyId}`;
  const payment = { amount: input.amount, paidAt: ctx.clock.now(), note: input.note ?? '', by: new Types.ObjectId(actor.id) };
  try {
    const updated = await FundAccount.findOneAndUpdate(
      { _id: id, paid: { $lte: limit - input.amount } },
      { $inc: { paid: input.amount }, $push: { payments: payment }, $setOnInsert: { year: input.year, deputyId: new Types.ObjectId(input.deputyId) } },
      { upsert: true, returnDocument: 'after', lean: true },
    );
    if (!updated) throw refuse(funds.paid);
  } catch (err) {
    // The account exists with too much paid: the upsert collided with it.
    if ((err as { code?: number }).code === 11000) throw refuse((await FundAccount.findById(id).lean())?.paid ?? funds.paid);
    throw err;
  }
  return deputyFunds(ctx, input.deputyId, input.year);
}

/** The rates that apply to a year, without storing anything (the stored rule, else the configured default). */
export async function ratesInForce(defaults: FundRates, year: number): Promise<FundRates> {
  return (await FundRule.findById(year).lean<FundRuleDoc>())?.rates ?? defaults;
}
