/** Keyword rules and the default reply: editing (validated at save time) and matching (cached, ordered). */
import mongoose from 'mongoose';
import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { ContentReplies } from '../inbound/content-replies';
import type { Reply } from '../inbound/reply';
import { WechatKeywordRule, type KeywordRuleDoc, type MatchType, type RuleReply } from '../models/keyword-rule';
import { WechatSetting } from '../models/settings';
import type { ContentLookup } from '../content-lookup';
import { compileRule, matchingRules, type CompiledRule } from './matcher';
import { REGEX_GUARD_VERSION, regexProblem, regexUsable } from './regex-guard';

export interface RuleInput {
  name: string;
  match: MatchType;
  pattern: string;
  priority: number;
  enabled: boolean;
  reply: RuleReply;
}

export interface RuleView extends RuleInput {
  id: string;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DefaultReply {
  enabled: boolean;
  text: string;
}

export const BUILTIN_DEFAULT_REPLY: DefaultReply = {
  enabled: true,
  text: '您好，消息已收到！回复「新闻」看最新动态，「代表」看典型代表，「案例」看典型案例，「会议」看近期会议。',
};

function view(doc: KeywordRuleDoc): RuleView {
  return {
    id: String(doc._id),
    name: doc.name,
    match: doc.match,
    pattern: doc.pattern,
    priority: doc.priority,
    enabled: doc.enabled,
    reply: doc.reply,
    createdBy: doc.createdBy,
    updatedBy: doc.updatedBy,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * Rules and the default reply are re-read at most this often by each instance. Edits apply at once on the instance
 * that made them and within about a second on the others (`onEdit` announces them: see cache-version.ts); this bound
 * only matters when that announcement is missed.
 */
// Cache age is elapsed process time (monotonic), not the calendar: the service clock is for what "now" means to people.
const CACHE_MS = 30_000;

export class KeywordService {
  private cache?: { loadedAt: number; rules: CompiledRule<RuleView>[] };
  private loading?: Promise<CompiledRule<RuleView>[]>;
  /** Bumped by every edit, so a load that began before the edit neither serves nor caches the old rules. */
  private generation = 0;
  private defaultCache?: { loadedAt: number; value: DefaultReply };

  constructor(
    private readonly clock: Clock,
    private readonly content: ContentLookup,
    /** Called after every edit (rules, default reply), to tell the other instances. */
    private readonly onEdit: (at: Date) => Promise<void> = async () => {},
  ) {}

  private async check(input: RuleInput): Promise<void> {
    if (input.match === 'regex') {
      const problem = await regexProblem(input.pattern);
      if (problem) throw new ValidationError(problem, [{ field: 'body.pattern', message: problem }]);
    } else if (!input.pattern.trim()) {
      throw new ValidationError('关键词不能为空', [{ field: 'body.pattern', message: '关键词不能为空' }]);
    }
    if (input.reply.type === 'article') {
      const item = await this.content.publishedById(input.reply.kind, input.reply.itemId);
      if (!item) {
        const message = '引用的内容不存在或尚未发布：回复只能指向已发布的内容';
        throw new ValidationError(message, [{ field: 'body.reply.itemId', message }]);
      }
    }
  }

  async list(): Promise<RuleView[]> {
    const docs = await WechatKeywordRule.find().sort({ enabled: -1, priority: -1, updatedAt: -1 }).lean<KeywordRuleDoc[]>();
    return docs.map(view);
  }

  async get(id: string): Promise<RuleView> {
    const doc = mongoose.isValidObjectId(id) ? await WechatKeywordRule.findById(id).lean<KeywordRuleDoc>() : null;
    if (!doc) throw new NotFoundError('关键词规则不存在');
    return view(doc);
  }

  async create(input: RuleInput, userId: string): Promise<RuleView> {
    await this.check(input);
    const now = this.clock.now();
    const doc = await WechatKeywordRule.create({ ...input, ...guardStamp(input), createdBy: userId, updatedBy: userId, createdAt: now, updatedAt: now });
    await this.edited();
    return view(doc.toObject());
  }

  async update(id: string, input: RuleInput, userId: string): Promise<RuleView> {
    await this.get(id);
    await this.check(input);
    const doc = await WechatKeywordRule.findByIdAndUpdate(
      id,
      input.match === 'regex'
        ? { $set: { ...input, ...guardStamp(input), updatedBy: userId, updatedAt: this.clock.now() } }
        : { $set: { ...input, updatedBy: userId, updatedAt: this.clock.now() }, $unset: { regexGuard: 1 } },
      { returnDocument: 'after', runValidators: true },
    ).lean<KeywordRuleDoc>();
    if (!doc) throw new NotFoundError('关键词规则不存在');
    await this.edited();
    return view(doc);
  }

  async remove(id: string): Promise<void> {
    const res = mongoose.isValidObjectId(id) ? await WechatKeywordRule.deleteOne({ _id: id }) : { deletedCount: 0 };
    if (!res.deletedCount) throw new NotFoundError('关键词规则不存在');
    await this.edited();
  }

  /** Forgets the cached rules and default reply (an edit here or on another instance). */
  dropCaches(): void {
    this.generation += 1;
    this.cache = undefined;
    this.loading = undefined;
    this.defaultCache = undefined;
  }

  private async edited(): Promise<void> {
    this.dropCaches();
    await this.onEdit(this.clock.now());
  }

  private compiled(): Promise<CompiledRule<RuleView>[]> {
    if (this.cache && performance.now() - this.cache.loadedAt < CACHE_MS) return Promise.resolve(this.cache.rules);
    if (!this.loading) {
      const loading = this.load(this.generation);
      this.loading = loading;
      const settle = () => {
        if (this.loading === loading) this.loading = undefined;
      };
      loading.then(settle, settle);
    }
    return this.loading;
  }

  private async load(generation: number): Promise<CompiledRule<RuleView>[]> {
    const docs = await WechatKeywordRule.find({ enabled: true }).sort({ priority: -1, updatedAt: -1 }).lean<KeywordRuleDoc[]>();
    const rules: CompiledRule<RuleView>[] = [];
    for (const doc of docs) {
      // A regex stored before the guard was strengthened is never run against messages unless it passes today.
      if (doc.match === 'regex' && doc.regexGuard !== REGEX_GUARD_VERSION && !(await regexUsable(doc.pattern))) continue;
      try {
        rules.push(compileRule(view(doc)));
      } catch {
        // A pattern that no longer compiles (stored before a guard change) is skipped, never fatal.
      }
    }
    if (generation === this.generation) this.cache = { loadedAt: performance.now(), rules };
    return rules;
  }

  /**
   * The reply of the first matching rule that can still answer: text rules always can; article rules only while
   * their item is published (otherwise the next matching rule is tried).
   */
  async match(text: string, replies: ContentReplies): Promise<Reply | undefined> {
    for (const rule of matchingRules(await this.compiled(), text)) {
      if (rule.reply.type === 'text') return { type: 'text', content: rule.reply.text };
      const card = await replies.item(rule.reply.kind, rule.reply.itemId);
      if (card) return card;
    }
    return undefined;
  }

  async defaultReply(): Promise<DefaultReply> {
    const now = performance.now();
    if (this.defaultCache && now - this.defaultCache.loadedAt < CACHE_MS) return this.defaultCache.value;
    const doc = await WechatSetting.findById('defaultReply').lean();
    const value = (doc?.value as DefaultReply | undefined) ?? BUILTIN_DEFAULT_REPLY;
    this.defaultCache = { loadedAt: now, value };
    return value;
  }

  async setDefaultReply(value: DefaultReply, userId: string): Promise<DefaultReply> {
    await WechatSetting.updateOne(
      { _id: 'defaultReply' },
      { $set: { value, updatedBy: userId, updatedAt: this.clock.now() } },
      { upsert: true },
    );
    await this.edited();
    return value;
  }
}

/** What a checked rule stores of the check: a regex the current guard accepted says so (see REGEX_GUARD_VERSION). */
function guardStamp(input: RuleInput): { regexGuard?: number } {
  return input.match === 'regex' ? { regexGuard: REGEX_GUARD_VERSION } : {};
}
