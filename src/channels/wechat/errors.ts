/** WeChat API failures → ChannelErrors whose messages an editor can act on. */
import { ChannelError } from '../types';
import { WechatApiError } from '../../wechat-api';

export const FREEPUBLISH_UNAUTHORIZED_MESSAGE =
  '该公众号没有"发布"接口权限（微信错误码 48001）：自 2025 年 7 月起，个人主体及未认证的公众号不能通过接口发布文章。' +
  '请改用"群发"方式推送给粉丝，或先完成公众号微信认证后再发布。';

const EXPLANATIONS: Record<number, string> = {
  [-1]: '微信系统繁忙，稍后将自动重试',
  40001: '访问凭证无效，已尝试刷新但仍失败，请检查 AppID/AppSecret 是否被重置',
  40013: '公众号 AppID 无效，请检查 WECHAT_APP_ID',
  40125: '公众号 AppSecret 无效，请检查 WECHAT_APP_SECRET',
  40164: '服务器 IP 不在公众号的 IP 白名单中，请在公众平台"开发—基本配置"中添加',
  40007: '素材或草稿不存在（可能已被删除）',
  45002: '正文超过微信限制（2 万字符或 1MB）',
  45003: '标题超过微信限制（32 字）',
  45004: '摘要超过微信限制（128 字）',
  45009: '今日该接口的调用次数已达微信的每日上限，今天无法再发送，请明天重试（或在公众平台申请提高额度）',
  45011: '接口调用过于频繁，稍后将自动重试',
  45028: '本期群发次数已用完（订阅号每天 1 次，服务号每月 4 次）',
  45066: '相同群发请求重试过快，稍后将自动重试',
  45110: '作者超过微信限制（16 字）',
  48001: FREEPUBLISH_UNAUTHORIZED_MESSAGE,
  53503: '草稿未通过发布校验，无法发布',
  53504: '需前往公众平台官网使用草稿',
  53505: '请手动保存成功后再发表',
};

export function toChannelError(err: unknown, action: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof WechatApiError) {
    const explanation = EXPLANATIONS[err.errcode] ?? (err.errcode ? `微信返回错误 ${err.errcode}：${err.errmsg}` : `无法连接微信服务器（${err.errmsg}）`);
    const code = err.errcode === 48001 ? 'wechat_freepublish_unauthorized' : err.errcode === 45028 ? 'wechat_mass_quota_spent' : err.errcode ? `wechat_${err.errcode}` : 'wechat_unreachable';
    return new ChannelError(`${action}失败：${explanation}`, code, err.transient, err.errcode ? String(err.errcode) : err.httpStatus ? `HTTP ${err.httpStatus}` : undefined, err.errmsg, err.mayHaveBeenAccepted);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelError(`${action}失败：${message}`, 'wechat_internal', false, undefined, message);
}
