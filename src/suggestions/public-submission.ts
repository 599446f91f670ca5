/**
 * A citizen's suggestion from the microsite form or the WeChat path: no account, name and phone kept private, sent
 * to a named deputy or to the deputy group(s) of their township. It lands as a `registered` suggestion with its
 * origin, and the citizen gets a tracking number. Text meant to be public may not carry phone or ID-card numbers.
 */
import { createHash } from 'node:crypto';
import { TooManyRequestsError, ValidationError } from '../errors';
import { groupRosters } from '../content/roster';
import { Suggestion, type Category, type Origin } from './models';
import { insertSuggestion } from './records';
import type { SuggestionsContext } from './context';

/** Who the audit trail names for what citizens send. */
const CITIZEN_REGISTRAR = { web: { id: '000000000000000000000002', displayName: '市民（网站）' }, wechat: { id: '000000000000000000000003', displayName: '市民（微信）' } };

export interface PublicSubmission {
  name: string;
  phone: string;
  text: string;
  category: Category;
  county: string;
  township: string;
  village?: string;
  /** A deputy of the township's group the citizen names; empty: the whole group. */
  deputyName?: string;
  public: boolean;
}

export interface SubmissionMeta {
  channel: Extract<Origin, 'web' | 'wechat'>;
  /** The sender's address: only its hash is kept, for the daily limit. */
  address: string;
}

const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/;
const ID_CARD_IN_TEXT = /(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/;

/** Why a text cannot be shown publicly, or undefined when it can. */
export function privateDataIn(text: string): string | undefined {
  if (ID_CARD_IN_TEXT.test(text)) return '身份证号';
  if (PHONE_IN_TEXT.test(text)) return '电话号码';
  return undefined;
}

export function addressHash(address: string): string {
  return createHash('sha256').update(`suggestion-sender:${address}`).digest('hex').slice(0, 32);
}

async function deputiesFor(input: PublicSubmission): Promise<string[]> {
  const groups = (await groupRosters({ region: { level: 'township', name: input.township } })).filter((g) => !g.region.county || g.region.county === input.county);
  const members = [...new Map(groups.flatMap((g) => g.members).map((m) => [m.id, m])).values()];
  if (input.deputyName) {
    const named = members.filter((m) => m.name === input.deputyName);
    if (!named.length) {
      throw new ValidationError(`${input.township}的代表小组中没有名为「${input.deputyName}」的代表`, [
        { field: 'body.deputyName', message: '请核对代表姓名，或留空交给本乡镇代表小组' },
      ]);
    }
    return named.map((m) => m.id);
  }
  // The whole group of the place; none found: the liaison will route it when sorting (梳理).
  return members.slice(0, 50).map((m) => m.id);
}

export async function submitPublicSuggestion(sc: SuggestionsContext, input: PublicSubmission, meta: SubmissionMeta): Promise<{ receiptNo: string; trackPath: string; deputies: number }> {
  if (input.public) {
    const found = privateDataIn(input.text);
    if (found) {
      throw new ValidationError(`公开的建议内容中不能包含${found}`, [
        { field: 'body.text', message: `请删去内容中的${found}（联系电话请填在“联系电话”一栏，不会公开），或选择不公开` },
      ]);
    }
  }
  const now = sc.clock.now();
  const hash = addressHash(meta.address);
  const sentToday = await Suggestion.countDocuments({ 'origin.addressHash': hash, registeredAt: { $gte: new Date(now.getTime() - 86_400_000) } });
  if (sentToday >= sc.config.suggestions.publicDailyLimit) {
    throw new TooManyRequestsError('今天从您的网络提交的建议已达上限，请明天再提交，或到代表联络站当面反映', 3600);
  }
  const deputyIds = await deputiesFor(input);
  const doc = await insertSuggestion(
    {
      text: input.text,
      category: input.category,
      region: { county: input.county, township: input.township, ...(input.village ? { village: input.village } : {}) },
      deputyIds,
      citizen: { name: input.name, phone: input.phone },
      attachmentIds: [],
      public: input.public,
    },
    CITIZEN_REGISTRAR[meta.channel],
    now,
    { channel: meta.channel, addressHash: hash },
  );
  sc.logger.info({ suggestionId: String(doc._id), channel: meta.channel, deputies: deputyIds.length }, 'public suggestion received');
  return { receiptNo: doc.receiptNo!, trackPath: `/suggestions/track?no=${doc.receiptNo}`, deputies: deputyIds.length };
}
