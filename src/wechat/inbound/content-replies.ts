/** Replies built from published content: cards, short lists with links, the welcome. All links are on PUBLIC_BASE_URL. */
import type { Clock } from '../../clock';
import type { ItemKind } from '../../channels/types';
import { absoluteUrl, sectionPath } from '../../urls';
import type { CardItem, ContentLookup } from '../content-lookup';
import type { Reply } from './reply';
import { CAMPAIGN_TIME_ZONE } from '../../calendar/beijing';

export const HINT = '回复「新闻」看最新动态，「代表」看典型代表，「案例」看典型案例，「会议」看近期会议，「建议」向人大代表提建议。';

/** The citizens' suggestion form; `via=wechat` records that it came through the official account. */
export const SUGGESTION_FORM_PATH = '/suggestions/new?via=wechat';
const LIST_SIZE = 5;

const meetingTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CAMPAIGN_TIME_ZONE,
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Link text inside a WeChat text message: no markup of our own may slip in. */
function linkText(text: string): string {
  return text.replace(/[<>"]/g, '');
}

export class ContentReplies {
  constructor(
    private readonly content: ContentLookup,
    private readonly publicBaseUrl: string,
    private readonly clock: Clock,
  ) {}

  private url(path: string): string {
    return absoluteUrl(this.publicBaseUrl, path);
  }

  private link(item: Pick<CardItem, 'title' | 'path'>): string {
    return `<a href="${this.url(item.path)}">${linkText(item.title)}</a>`;
  }

  card(item: CardItem): Reply {
    return {
      type: 'news',
      article: {
        title: item.title,
        description: item.digest,
        picUrl: item.imagePath ? this.url(item.imagePath) : undefined,
        url: this.url(item.path),
      },
    };
  }

  private list(heading: string, items: CardItem[], kind: ItemKind, empty: string): Reply {
    if (!items.length) return { type: 'text', content: `${empty}\n${HINT}` };
    const lines = items.map((item, i) => {
      const when = item.startsAt ? `（${meetingTime.format(item.startsAt)}）` : '';
      return `${i + 1}. ${this.link(item)}${when}`;
    });
    return { type: 'text', content: `【${heading}】\n${lines.join('\n')}\n<a href="${this.url(sectionPath(kind))}">查看全部</a>` };
  }

  async latestNews(): Promise<Reply> {
    const [latest] = await this.content.latest('article', 1);
    return latest ? this.card(latest) : { type: 'text', content: `暂时还没有发布新闻。\n${HINT}` };
  }

  async typicalDeputies(): Promise<Reply> {
    return this.list('典型代表', await this.content.latest('deputy', LIST_SIZE), 'deputy', '暂时还没有发布典型代表。');
  }

  async modelCases(): Promise<Reply> {
    return this.list('典型案例', await this.content.latest('case', LIST_SIZE), 'case', '暂时还没有发布典型案例。');
  }

  async upcomingMeetings(): Promise<Reply> {
    const meetings = await this.content.upcomingMeetings(this.clock.now(), LIST_SIZE);
    if (meetings === undefined) {
      return { type: 'text', content: `近期会议请见：<a href="${this.url(sectionPath('meeting'))}">会议安排</a>` };
    }
    return this.list('近期会议', meetings, 'meeting', '近期暂无会议安排。');
  }

  /**
   * 「建议」: a card leading to the suggestion form in WeChat's in-app browser. A form rather than a conversation:
   * a suggestion needs several fields (place, category, text, name, phone) and the passive-reply protocol answers
   * one message at a time within 5 s, so a chat would hold state across messages and still collect less.
   */
  suggestionForm(): Reply {
    return {
      type: 'news',
      article: {
        title: '向人大代表提建议',
        description: '填写您的问题和建议，送到您所在乡镇的人大代表小组。提交后凭受理编号查询办理进度。',
        url: this.url(SUGGESTION_FORM_PATH),
      },
    };
  }

  /** The card of one item, only while it is published. */
  async item(kind: ItemKind, id: string): Promise<Reply | undefined> {
    const item = await this.content.publishedById(kind, id);
    return item ? this.card(item) : undefined;
  }

  async search(text: string): Promise<Reply | undefined> {
    const [best] = await this.content.search(text, 1);
    return best ? this.card(best) : undefined;
  }

  async welcome(): Promise<Reply> {
    const [latest] = await this.content.latest('article', 1);
    const headline = latest ? `\n最新：${this.link(latest)}` : '';
    return { type: 'text', content: `感谢关注「连心」——人大代表在行动！${headline}\n${HINT}` };
  }
}
