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
  48001: '公众号没有该接口的权限（微信错误码 48001 api unauthorized），请在公众平台"设置与开发—接口权限"中查看',
  53503: '草稿未通过发布校验，无法发布',
  53504: '需前往公众平台官网使用草稿',
  53505: '请手动保存成功后再发表',
};

/**
 * One errcode means different things from different calls (48001 from freepublish/submit is an account that may not
 * publish; from a status check it says nothing about the article): the call's own wording comes first.
 */
const BY_API: Record<string, Record<number, string>> = {
  '/cgi-bin/freepublish/submit': { 48001: FREEPUBLISH_UNAUTHORIZED_MESSAGE },
  '/cgi-bin/freepublish/get': {
    48001:
      '公众号没有"查询发布状态"接口（freepublish/get）的权限（微信错误码 48001），无法查询文章是否已发布；这并不说明文章没有发出。' +
      '请在公众号后台"发表记录"中核对；如接口权限被收回，请在公众平台"设置与开发—接口权限"中查看',
    40007: '发布任务不存在（publish_id 无效或已过期），请在公众号后台"发表记录"中核对',
  },
  '/cgi-bin/message/mass/sendall': {
    48001: '公众号没有群发接口的权限（微信错误码 48001）：未认证的订阅号不能通过接口群发，请先完成微信认证',
  },
  '/cgi-bin/message/mass/get': {
    48001:
      '公众号没有"查询群发状态"接口（message/mass/get）的权限（微信错误码 48001），无法查询群发是否完成；这并不说明群发失败。请在公众号后台"群发记录"中核对',
  },
  '/cgi-bin/draft/add': {
    48001: '公众号没有草稿箱接口（draft/add）的权限（微信错误码 48001），请在公众平台"设置与开发—接口权限"中查看',
  },
};

/** The wording for an errcode as the given API call answered it. */
export function explainErrcode(api: string, errcode: number, errmsg: string): string {
  return BY_API[api]?.[errcode] ?? EXPLANATIONS[errcode] ?? `微信返回错误 ${errcode}：${errmsg}`;
}

export function toChannelError(err: unknown, action: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof WechatApiError) {
    const explanation = err.errcode ? explainErrcode(err.api, err.errcode, err.errmsg) : `无法连接微信服务器（${err.errmsg}）`;
    const code =
      err.errcode === 48001 && err.api === '/cgi-bin/freepublish/submit'
        ? 'wechat_freepublish_unauthorized'
        : err.errcode === 45028
          ? 'wechat_mass_quota_spent'
          : err.errcode
            ? `wechat_${err.errcode}`
            : 'wechat_unreachable';
    return new ChannelError(`${action}失败：${explanation}`, code, err.transient, err.errcode ? String(err.errcode) : err.httpStatus ? `HTTP ${err.httpStatus}` : undefined, err.errmsg, err.mayHaveBeenAccepted);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelError(`${action}失败：${message}`, 'wechat_internal', false, undefined, message);
}
