/** The account menu: stored in MongoDB (edited through the admin API), pushed to WeChat with menu/create. */
import type { Clock } from '../../clock';
import { ConflictError } from '../../errors';
import type { WechatApi } from '../api';
import { WechatSetting } from '../models/settings';
import type { RuleReply } from '../models/keyword-rule';
import { clickReplyOf, forWechat, validateMenu, type Menu, type MenuLinkRule } from './validate';

export { CLICK_KEYS } from './validate';

export function defaultMenu(publicBaseUrl: string): Menu {
  return {
    button: [
      { type: 'click', name: '最新动态', key: 'LATEST_NEWS' },
      {
        name: '代表风采',
        sub_button: [
          { type: 'click', name: '典型代表', key: 'TYPICAL_DEPUTIES' },
          { type: 'click', name: '典型案例', key: 'MODEL_CASES' },
        ],
      },
      {
        name: '会议活动',
        sub_button: [
          { type: 'click', name: '近期会议', key: 'UPCOMING_MEETINGS' },
          { type: 'click', name: '我要提建议', key: 'SUGGEST' },
          { type: 'view', name: '访问网站', url: `${publicBaseUrl}/` },
        ],
      },
    ],
  };
}

export interface StoredMenu {
  menu: Menu;
  /** False while nobody has saved a menu yet (the default is shown). */
  stored: boolean;
  updatedAt?: Date;
  updatedBy?: string;
  pushedAt?: Date;
}

/**
 * The saved menu is re-read at most this often by each instance. A save applies at once on the instance that made
 * it and within about a second on the others (`onEdit` announces it through the replies' version stamp, as keyword
 * rules do: see cache-version.ts); this bound only matters when that announcement is missed.
 */
const CACHE_MS = 30_000;

export class MenuService {
  private cached?: { at: number; menu: Promise<Menu> };
  /** Bumped by every drop, so a read that began before a save neither serves nor keeps the old menu. */
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
    /** Hosts (besides the microsite's) that view buttons may open: ALLOWED_LINK_HOSTS. */
    private readonly linkHosts: string[] = [],
    /** Called after every save, to tell the other instances (the replies' version stamp). */
    private readonly onEdit: (at: Date) => Promise<void> = async () => {},
  ) {}

  /** What a tap on a click key answers, as configured in the saved menu (cached until a save here or elsewhere). */
  async clickReply(key: string): Promise<RuleReply | undefined> {
    return clickReplyOf(await this.savedMenu(), key);
  }

  /** Forgets the cached menu (a save here, or the version stamp moved: a save on another instance). */
  dropCache(): void {
    this.generation += 1;
    this.cached = undefined;
  }

  private savedMenu(): Promise<Menu> {
    // Cache age is elapsed process time (monotonic), not the service clock.
    const now = performance.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.menu;
    const generation = this.generation;
    const menu = this.get().then((stored) => stored.menu);
    const entry = { at: now, menu };
    this.cached = entry;
    // A failed read is not kept, nor one that a save overtook.
    const forget = () => {
      if (this.cached === entry && generation !== this.generation) this.cached = undefined;
    };
    menu.then(forget, () => {
      if (this.cached === entry) this.cached = undefined;
    });
    return menu;
  }

  private get linkRule(): MenuLinkRule {
    return { publicBaseUrl: this.publicBaseUrl, hosts: this.linkHosts };
  }

  async get(): Promise<StoredMenu> {
    const doc = await WechatSetting.findById('menu').lean();
    if (!doc) return { menu: defaultMenu(this.publicBaseUrl), stored: false };
    return { menu: doc.value as Menu, stored: true, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy, pushedAt: doc.pushedAt };
  }

  async save(raw: unknown, userId: string): Promise<StoredMenu> {
    const menu = validateMenu(raw, this.linkRule);
    await WechatSetting.updateOne(
      { _id: 'menu' },
      { $set: { value: menu, updatedBy: userId, updatedAt: this.clock.now() }, $unset: { pushedAt: 1 } },
      { upsert: true },
    );
    this.dropCache();
    await this.onEdit(this.clock.now());
    return this.get();
  }

  /** Validates the stored (or default) menu again and sends it with menu/create; WeChat errors surface as thrown errors. */
  async push(api: WechatApi | undefined): Promise<StoredMenu> {
    if (!api) throw new ConflictError('未配置公众号 AppID/AppSecret，无法推送菜单', 'wechat_not_configured');
    const current = await this.get();
    const menu = validateMenu(current.menu, this.linkRule);
    await api.createMenu(forWechat(menu));
    const now = this.clock.now();
    await WechatSetting.updateOne(
      { _id: 'menu' },
      { $set: { pushedAt: now }, $setOnInsert: { value: menu, updatedAt: now, updatedBy: 'default' } },
      { upsert: true },
    );
    return this.get();
  }
}
