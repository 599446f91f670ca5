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

/** The job a result event reports on (MsgID of a mass send, publish_id of a free publish), when it names one. */
function jobId(raw: XmlRecord): string | undefined {
  const msgId = text(raw, 'MsgID') || text(raw, 'MsgId');
  if (msgId) return msgId;
  const info = raw.PublishEventInfo;
  if (info && typeof info === 'object' && !Array.isArray(info)) return text(info, 'publish_id') || undefined;
  return undefined;
}

/**
 * WeChat's retry identity: MsgId for messages; CreateTime + sender (+ event name) for events, which carry no MsgId —
 * plus the job id for job-result events, which one system sender can push several of within the same second.
 * CreateTime first: keys of the same moments sort together, so a batch of claims lands on a few pages of the
 * engine's _id index instead of one page per follower (about a quarter of the engine's work per claim and reply).
 */
export function dedupeKey(msg: InboundMessage): string {
  if (msg.msgId) return `msg:${msg.msgId}`;
  const job = msg.msgType === 'event' ? jobId(msg.raw) : undefined;
  return `evt:${msg.createTime}:${msg.fromUser}:${msg.event ?? msg.msgType}${job ? `:${job}` : ''}`;
}
