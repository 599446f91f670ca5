/** What the partner's newsroom does with a credential shown once. */
import type { FeedUrls } from '../../api/partners';

export const SIGNING_USAGE = [
  { label: '对方用它校验每次推送的签名头（HMAC-SHA256，说明见接口文档）', value: 'X-Lianxin-Signature: t=<时间戳>,v1=<签名>' },
];

export function feedUsage(key: string, feeds: FeedUrls) {
  return [
    { label: 'RSS 订阅地址（含密钥）', value: `${feeds.rss}?key=${key}` },
    { label: 'JSON Feed 订阅地址（含密钥）', value: `${feeds.json}?key=${key}` },
    { label: '或在请求头中发送', value: `X-Partner-Key: ${key}` },
  ];
}
