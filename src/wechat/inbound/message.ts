/** An inbound message or event, read from the parsed XML into named fields. */
import { text, type XmlRecord } from '../xml';

export interface InboundMessage {
  /** The account's original id (gh_…). */
  toUser: string;
  /** The follower's openid. */
  fromUser: string;
  createTime: number;
  msgType: string;
  event?: string;
  eventKey?: string;
  content?: string;
  msgId?: string;
  raw: XmlRecord;
}

export class MessageIncomplete extends Error {}

export function toInbound(raw: XmlRecord): InboundMessage {
  const createTime = Number(text(raw, 'CreateTime'));
  const msg: InboundMessage = {
    toUser: text(raw, 'ToUserName'),
    fromUser: text(raw, 'FromUserName'),
    createTime,
    msgType: text(raw, 'MsgType').toLowerCase(),
    raw,
  };
  if (!msg.toUser || !msg.fromUser || !msg.msgType || !Number.isFinite(createTime)) {
    throw new MessageIncomplete('ToUserName, FromUserName, CreateTime and MsgType are required');
  }
  if (msg.msgType === 'event') {
    msg.event = text(raw, 'Event');
    msg.eventKey = text(raw, 'EventKey');
  }
  if (msg.msgType === 'text') msg.content = text(raw, 'Content');
  const msgId = text(raw, 'MsgId') || text(raw, 'MsgID');
  if (msgId && msg.msgType !== 'event') msg.msgId = msgId;
  return msg;
}

/** WeChat's retry identity: MsgId for messages; sender + CreateTime (+ event name) for events, which carry no MsgId. */
export function dedupeKey(msg: InboundMessage): string {
  if (msg.msgId) return `msg:${msg.msgId}`;
  return `evt:${msg.fromUser}:${msg.createTime}:${msg.event ?? msg.msgType}`;
}
