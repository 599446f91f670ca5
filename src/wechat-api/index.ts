/** The shared WeChat official-account API client (see client.ts). */
export { WechatClient, createWechatClient, type WechatClientOptions, type DraftArticle, type FreePublishStatus } from './client';
export { WechatApiError, TOKEN_ERRCODES, isTransientErrcode } from './errors';
export { CredentialStore, WechatCredentialModel } from './credential-store';
