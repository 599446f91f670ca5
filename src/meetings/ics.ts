/**
 * The calendar file of a meeting (RFC 5545 via ical-generator). Times carry TZID=Asia/Shanghai with its
 * VTIMEZONE (fixed UTC+8, no daylight saving); the UID never changes and SEQUENCE follows every reschedule or
 * cancellation, so calendar programs update the event they imported; a cancelled meeting says STATUS:CANCELLED.
 */
import { TZDate } from '@date-fns/tz';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { absoluteUrl, itemPath } from '../urls';
import type { MeetingDoc } from './models';
import { formatRange } from './time';
import { CAMPAIGN_TIME_ZONE } from '../calendar/beijing';

const SHANGHAI_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Asia/Shanghai',
  'X-LIC-LOCATION:Asia/Shanghai',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0800',
  'TZOFFSETTO:+0800',
  'TZNAME:CST',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

export function meetingUid(m: Pick<MeetingDoc, '_id'>, publicBaseUrl: string): string {
  return `meeting-${String(m._id)}@${new URL(publicBaseUrl).hostname}`;
}

/**
 * An RFC 5545 TEXT value. ical-generator escapes event properties but writes the calendar's NAME and
 * X-WR-CALNAME as given, so a line break in a title would start new properties (or a whole forged event).
 */
function icsText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, '');
}

export function meetingIcs(m: MeetingDoc, publicBaseUrl: string): string {
  const url = absoluteUrl(publicBaseUrl, itemPath('meeting', m.slug));
  const cal = ical({ prodId: { company: 'lianxin', product: 'meetings', language: 'ZH' }, name: icsText(m.title) });
  cal.method(ICalCalendarMethod.PUBLISH);
  // Name left null: a calendar-level zone would make ical-generator write DTSTAMP in local time (RFC 5545 wants UTC).
  cal.timezone({ name: null, generator: (tz) => (tz === CAMPAIGN_TIME_ZONE ? SHANGHAI_VTIMEZONE : null) });
  const lines = [
    m.theme ? `主题：${m.theme}` : '',
    `时间：${formatRange(m.startsAt, m.endsAt)}`,
    `地点：${m.venue}${m.address ? `（${m.address}）` : ''}`,
    ...(m.agenda.length ? ['议程：', ...m.agenda.map((a) => `${a.time ? `${a.time} ` : ''}${a.title}${a.speaker ? `（${a.speaker}）` : ''}`)] : []),
    m.status === 'cancelled' ? `会议已取消。${m.changes.at(-1)?.note ?? ''}` : '',
    `详情：${url}`,
  ].filter(Boolean);
  cal.createEvent({
    id: meetingUid(m, publicBaseUrl),
    sequence: m.sequence,
    stamp: m.updatedAt,
    start: new TZDate(m.startsAt.getTime(), CAMPAIGN_TIME_ZONE),
    end: new TZDate(m.endsAt.getTime(), CAMPAIGN_TIME_ZONE),
    timezone: CAMPAIGN_TIME_ZONE,
    summary: m.title,
    location: [m.venue, m.address].filter(Boolean).join(' '),
    description: lines.join('\n'),
    url,
    status: m.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return cal.toString();
}

/** A file name people recognise; ASCII fallback plus the UTF-8 name (RFC 6266). */
export function icsContentDisposition(m: MeetingDoc): string {
  return `attachment; filename="meeting-${m.slug}.ics"; filename*=UTF-8''${encodeURIComponent(`${m.title}.ics`)}`;
}
