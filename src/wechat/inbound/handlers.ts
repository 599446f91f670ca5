/**
 * What the account does with each inbound message or event. Returns the passive reply, or null for none.
 * Text goes through: extra handlers (tests, future features) → editors' keyword rules → the built-in words
 * (新闻/代表/案例/会议/建议) → a search of published content → the default reply.
 */
import type { Clock } from '../../clock';
import type { DomainEventBus, DomainEvents } from '../../events';
import type { FollowerService } from '../followers/service';
import type { KeywordService } from '../keywords/service';
import type { MenuService } from '../menu/service';
import { normalizeText } from '../keywords/matcher';
import { text, type XmlRecord } from '../xml';
import { HINT, type ContentReplies } from './content-replies';
import type { InteractionLog } from './interactions';
import type { InboundMessage } from './message';
import type { Reply } from './reply';

/** A text handler answers (Reply), deliberately stays silent (null), or passes to the next one (undefined). */
export type TextHandler = (msg: InboundMessage) => Promise<Reply | null | undefined>;

type JobEvent = DomainEvents['wechat.jobFinished']['event'];
const JOB_EVENTS = new Set<JobEvent>(['PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH', 'MASSSENDJOBFINISH', 'TEMPLATESENDJOBFINISH']);

export interface HandlerDeps {
  clock: Clock;
  events: DomainEventBus;
  replies: ContentReplies;
  keywords: KeywordService;
  followers: FollowerService;
  interactions: InteractionLog;
  /** Click keys beyond the built-in ones answer with the reply configured on their menu button. */
  menu?: Pick<MenuService, 'clickReply'>;
  extraTextHandlers?: TextHandler[];
}

function asRecord(v: unknown): XmlRecord {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XmlRecord) : {};
}

/** The first article URL of a publish result (<article_detail><item><article_url>, one item or several). */
function firstArticleUrl(info: XmlRecord): string | undefined {
  const items = asRecord(info.article_detail).item;
  const list = Array.isArray(items) ? items : items ? [items] : [];
  for (const item of list) {
    const url = text(asRecord(item), 'article_url');
    if (url) return url;
  }
  return undefined;
}

/** Some accounts report a publish result in the MASSSENDJOBFINISH shape and vice versa: both shapes are read. */
export function jobFinishedPayload(event: JobEvent, raw: XmlRecord): DomainEvents['wechat.jobFinished'] {
  const info = asRecord(raw.PublishEventInfo);
  const isPublish = event === 'PUBLISHJOBFINISH' || event === 'FREEPUBLISHJOBFINISH';
  const publishStatus = text(info, 'publish_status');
  const status = text(raw, 'Status');
  return {
    event,
    publishId: text(info, 'publish_id') || undefined,
    msgId: text(raw, 'MsgID') || text(raw, 'MsgId') || undefined,
    status: (isPublish ? publishStatus || status : status || publishStatus) || 'unknown',
    articleUrl: firstArticleUrl(info),
    raw,
  };
}

export class InboundHandlers {
  private readonly textChain: TextHandler[];

  constructor(private readonly deps: HandlerDeps) {
    this.textChain = [...(deps.extraTextHandlers ?? []), (m) => this.keywordRule(m), (m) => this.builtinWord(m), (m) => this.search(m)];
  }

  async handle(msg: InboundMessage): Promise<Reply | null> {
    if (msg.msgType === 'event') return this.event(msg);
    await this.deps.followers.touched(msg.fromUser, this.deps.clock.now());
    if (msg.msgType === 'text') {
      for (const handler of this.textChain) {
        const reply = await handler(msg);
        if (reply !== undefined) return reply;
      }
    }
    return this.defaultReply();
  }

  private async defaultReply(): Promise<Reply | null> {
    const d = await this.deps.keywords.defaultReply();
    return d.enabled && d.text.trim() ? { type: 'text', content: d.text } : null;
  }

  private async keywordRule(msg: InboundMessage): Promise<Reply | undefined> {
    return this.deps.keywords.match(msg.content ?? '', this.deps.replies);
  }

  private async builtinWord(msg: InboundMessage): Promise<Reply | undefined> {
    const { replies } = this.deps;
    switch (normalizeText(msg.content ?? '')) {
      case '新闻':
      case '最新':
      case '动态':
        return replies.latestNews();
      case '代表':
        return replies.typicalDeputies();
      case '案例':
        return replies.modelCases();
      case '会议':
        return replies.upcomingMeetings();
      case '建议':
      case '意见':
      case '提建议':
      case '我要提建议':
      case '意见建议':
        return replies.suggestionForm();
      case '帮助':
      case '菜单':
      case '?':
        return { type: 'text', content: HINT };
      default:
        return undefined;
    }
  }

  private async search(msg: InboundMessage): Promise<Reply | undefined> {
    const words = (msg.content ?? '').trim();
    if ([...words].length < 2 || [...words].length > 30) return undefined;
    return this.deps.replies.search(words);
  }

  private async event(msg: InboundMessage): Promise<Reply | null> {
    const { followers, replies, clock, events } = this.deps;
    const event = (msg.event ?? '').toUpperCase();
    const at = clock.now();
    switch (event) {
      case 'SUBSCRIBE': {
        const scene = msg.eventKey?.startsWith('qrscene_') ? msg.eventKey.slice('qrscene_'.length) : undefined;
        await followers.followed(msg.fromUser, at, scene);
        return replies.welcome();
      }
      case 'UNSUBSCRIBE':
        await followers.unfollowed(msg.fromUser, at);
        return null;
      case 'SCAN':
        await this.interaction(msg, 'SCAN', at);
        return { type: 'text', content: `欢迎回来！\n${HINT}` };
      case 'CLICK':
        await this.interaction(msg, 'CLICK', at);
        return this.click(msg.eventKey ?? '');
      case 'VIEW':
        await this.interaction(msg, 'VIEW', at);
        return null;
      default:
        if (JOB_EVENTS.has(event as JobEvent)) {
          events.emit('wechat.jobFinished', jobFinishedPayload(event as JobEvent, msg.raw));
        }
        return null;
    }
  }

  private async interaction(msg: InboundMessage, event: 'CLICK' | 'VIEW' | 'SCAN', at: Date): Promise<void> {
    await Promise.all([
      this.deps.followers.touched(msg.fromUser, at),
      this.deps.interactions.record(msg.fromUser, event, msg.eventKey ?? '', at),
    ]);
  }

  private async click(key: string): Promise<Reply | null> {
    const { replies } = this.deps;
    switch (key) {
      case 'LATEST_NEWS':
        return replies.latestNews();
      case 'TYPICAL_DEPUTIES':
        return replies.typicalDeputies();
      case 'MODEL_CASES':
        return replies.modelCases();
      case 'UPCOMING_MEETINGS':
        return replies.upcomingMeetings();
      case 'SUGGEST':
        return replies.suggestionForm();
      default: {
        const configured = await this.deps.menu?.clickReply(key);
        if (configured?.type === 'text') return { type: 'text', content: configured.text };
        if (configured?.type === 'article') {
          const card = await replies.item(configured.kind, configured.itemId);
          if (card) return card;
        }
        return this.defaultReply();
      }
    }
  }
}
