/** Types for the parts of co-wechat-api 3.11 we use (the package ships none). */
declare module 'co-wechat-api' {
  namespace WechatAPI {
    interface AccessToken {
      accessToken: string;
      /** Epoch milliseconds. */
      expireTime: number;
    }
    interface Ticket {
      ticket: string;
      expireTime: number;
    }
    interface RequestOptions {
      method?: string;
      data?: string | Buffer | NodeJS.ReadableStream;
      headers?: Record<string, string>;
      dataType?: string;
      timeout?: number;
    }
  }
  class WechatAPI {
    constructor(
      appid: string,
      appsecret: string,
      getToken?: () => Promise<WechatAPI.AccessToken | null | undefined>,
      saveToken?: (token: WechatAPI.AccessToken | null) => Promise<void>,
      tokenFromCustom?: boolean,
    );
    static AccessToken: new (accessToken: string, expireTime: number) => WechatAPI.AccessToken & { isValid(): boolean };
    appid: string;
    appsecret: string;
    prefix: string;
    snsPrefix: string;
    mpPrefix: string;
    fileServerPrefix: string;
    payPrefix: string;
    merchantPrefix: string;
    customservicePrefix: string;
    wxaPrefix: string;
    setOpts(opts: WechatAPI.RequestOptions): void;
    request(url: string, opts?: WechatAPI.RequestOptions, retry?: number): Promise<any>;
    getAccessToken(): Promise<WechatAPI.AccessToken>;
    ensureAccessToken(): Promise<WechatAPI.AccessToken>;
    registerTicketHandle(
      getTicketToken?: (type: string) => Promise<WechatAPI.Ticket | null | undefined>,
      saveTicketToken?: (type: string, ticket: WechatAPI.Ticket) => Promise<void>,
    ): void;
    getTicket(type?: string): Promise<WechatAPI.Ticket>;
    ensureTicket(type?: string): Promise<WechatAPI.Ticket>;
    getLatestTicket(): Promise<WechatAPI.Ticket>;
    getJsConfig(param: { debug?: boolean; jsApiList: string[]; url: string; openTagList?: string[] }): Promise<{
      debug?: boolean;
      appId: string;
      timestamp: string;
      nonceStr: string;
      signature: string;
      jsApiList: string[];
      openTagList: string[];
    }>;
    // media & material (file-path based; see the Buffer-based extensions in client.ts)
    uploadImage(filepath: string): Promise<{ url: string }>;
    uploadMaterial(filepath: string, type: 'image' | 'voice' | 'thumb'): Promise<{ media_id: string; url?: string }>;
    // mass send
    massSend(opts: Record<string, unknown>, receivers: boolean | number | string | string[], clientMsgId?: string, sendIgnoreReprint?: 0 | 1): Promise<{ msg_id: number; msg_data_id?: number }>;
    massSendNews(mediaId: string, receivers: boolean | number | string | string[], clientMsgId?: string, sendIgnoreReprint?: 0 | 1): Promise<{ msg_id: number; msg_data_id?: number }>;
    getMassMessageStatus(messageId: string | number): Promise<{ msg_id: number; msg_status: string }>;
    previewNews(openid: string, mediaId: string): Promise<unknown>;
    // users & tags
    getFollowers(nextOpenid?: string): Promise<{ total: number; count: number; data?: { openid: string[] }; next_openid: string }>;
    batchGetUsers(openids: string[], lang?: string): Promise<{ user_info_list: Array<Record<string, unknown>> }>;
    getUser(options: string | { openid: string; lang?: string }): Promise<Record<string, unknown>>;
    getTags(): Promise<{ tags: Array<{ id: number; name: string; count: number }> }>;
    getUsersFromTag(tagId: number, nextOpenId?: string): Promise<{ count: number; data?: { openid: string[] }; next_openid: string }>;
    // menu
    createMenu(menu: Record<string, unknown>): Promise<{ errcode: number; errmsg: string }>;
    getMenu(): Promise<Record<string, unknown>>;
    removeMenu(): Promise<{ errcode: number; errmsg: string }>;
    // customer-service & template messages
    sendText(openid: string, text: string): Promise<unknown>;
    sendNews(openid: string, articles: Array<{ title: string; description?: string; url: string; picurl?: string }>): Promise<unknown>;
    sendTemplate(openid: string, templateId: string, url: string, data: Record<string, { value: string }>, miniprogram?: unknown): Promise<{ msgid: number }>;
  }
  export = WechatAPI;
}
