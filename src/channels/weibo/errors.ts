/**
 * Weibo answers → ChannelErrors: each code is permanent (editor changes something), retryable (the pipeline
 * tries again with backoff) or needs a person (the account must be re-connected by an admin). See README.md.
 */
import { ChannelError } from '../types';
import { WeiboApiError } from './client';

export const DUPLICATE_CODES = new Set([20017, 20019, 20111]);
export const RATE_LIMIT_CODES = new Set([10022, 10023, 10024, 20016]);
const BUSY_CODES = new Set([10001, 10002, 10009, 21331]);
/** The stored token no longer works: expired, used, revoked, or the user removed the authorisation. */
export const TOKEN_CODES = new Set([21314, 21315, 21316, 21317, 21319, 21327, 21332, 21501]);

export const RECONNECT_MESSAGE = '微博授权已失效或已过期，需要管理员在后台"渠道—微博"中重新连接微博账号，之后再重试发布。';

export function toWeiboChannelError(err: unknown, action: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (!(err instanceof WeiboApiError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new ChannelError(`${action}失败：${message}`, 'weibo_internal', false, undefined, message);
  }
  const code = err.errorCode;
  const provider = code ? String(code) : err.httpStatus ? `HTTP ${err.httpStatus}` : undefined;
  const make = (message: string, channelCode: string, transient: boolean) =>
    new ChannelError(`${action}失败：${message}`, channelCode, transient, provider, err.errorText, err.mayHaveBeenAccepted);
  if (DUPLICATE_CODES.has(code)) return make('微博认为这条内容与账号近期发过的微博相同或相似，拒绝重复发布。请修改标题或摘要后再发。', 'weibo_duplicate', false);
  if (RATE_LIMIT_CODES.has(code)) return make('微博接口调用频次超过上限（按小时计），稍后将自动重试。', 'weibo_rate_limited', true);
  if (BUSY_CODES.has(code)) return make('微博系统繁忙，稍后将自动重试。', 'weibo_busy', true);
  if (TOKEN_CODES.has(code)) return make(RECONNECT_MESSAGE, 'weibo_reconnect_needed', false);
  if (code === 20012 || code === 20013) return make('微博正文超过 140 字的上限。', 'weibo_text_too_long', false);
  if (code === 20018 || code === 10029) return make('微博拒绝了其中的链接：链接必须在应用的安全域名内（PUBLIC_BASE_URL 的域名需登记为微博应用的安全域名）。', 'weibo_link_not_allowed', false);
  if (code === 20020 || code === 20021) return make('微博认为内容含广告或违规信息，拒绝发布。', 'weibo_content_rejected', false);
  if (code === 20005 || code === 20006) return make('封面图片格式或大小不被微博接受（仅 JPG/GIF/PNG，小于 5MB）。', 'weibo_picture_rejected', false);
  if (code) return make(`微博返回错误 ${code}：${err.errorText}`, `weibo_${code}`, false);
  // Network failures and 5xx: try again (a send in doubt is reconciled through the timeline before any re-post).
  const transient = err.httpStatus === undefined || err.httpStatus >= 500 || err.httpStatus === 429;
  return make(`无法连接微博服务器（${err.errorText}）`, 'weibo_unreachable', transient);
}
