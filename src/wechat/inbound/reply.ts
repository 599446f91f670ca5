/** Passive replies: what a handler returns and the XML WeChat expects back. */
import { wechatSignature } from '../signature';
import { cdata } from '../xml';

export interface ArticleCard {
  title: string;
  description: string;
  picUrl?: string;
  url: string;
}

/** WeChat shows only one article in a passive reply to a user message, so a card carries one. */
export type Reply = { type: 'text'; content: string } | { type: 'news'; article: ArticleCard };

/** Passive text replies are cut by WeChat at 2048 bytes; we stay under it on a character boundary. */
export const TEXT_REPLY_MAX_BYTES = 2000;

export function fitText(text: string, maxBytes = TEXT_REPLY_MAX_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch + '…') > maxBytes) break;
    out += ch;
  }
  return `${out}…`;
}

export interface ReplyAddress {
  /** The follower's openid (the message's FromUserName). */
  toUser: string;
  /** The account's id (the message's ToUserName). */
  fromUser: string;
  createTime: number;
}

/** A safe-mode answer: the sealed reply with its msg_signature over token, timestamp, nonce and the ciphertext. */
export function sealedReplyXml(token: string, encrypted: string, timestamp: string, nonce: string): string {
  return (
    `<xml><Encrypt>${cdata(encrypted)}</Encrypt>` +
    `<MsgSignature>${cdata(wechatSignature(token, timestamp, nonce, encrypted))}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}

export function renderReplyXml(reply: Reply, to: ReplyAddress): string {
  const head =
    `<ToUserName>${cdata(to.toUser)}</ToUserName><FromUserName>${cdata(to.fromUser)}</FromUserName>` +
    `<CreateTime>${to.createTime}</CreateTime>`;
  if (reply.type === 'text') {
    return `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(fitText(reply.content))}</Content></xml>`;
  }
  const a = reply.article;
  return (
    `<xml>${head}<MsgType>${cdata('news')}</MsgType><ArticleCount>1</ArticleCount><Articles><item>` +
    `<Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description>` +
    `<PicUrl>${cdata(a.picUrl ?? '')}</PicUrl><Url>${cdata(a.url)}</Url></item></Articles></xml>`
  );
}
