/**
 * Templates of the public site: one nunjucks environment with auto-escaping. Templates are looked up in
 * templates/site first, then templates/ (so other modules' pages can `{% extends "layout.njk" %}`).
 */
import path from 'node:path';
import nunjucks from 'nunjucks';
import { TEMPLATES_ROOT } from './assets';
import { CAMPAIGN_TIME_ZONE } from '../calendar/beijing';

const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CAMPAIGN_TIME_ZONE,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const monthDayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, month: 'long', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** JSON for a `<script type="application/ld+json">` block: `<` escaped so no text can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** "2026年12月15日周二 14:30" in Beijing time, for descriptions built in code. */
export function formatDateTime(d: Date): string {
  return dateTimeFormat.format(d);
}

function createEnvironment(): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([path.join(TEMPLATES_ROOT, 'site'), TEMPLATES_ROOT], { noCache: false });
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  env.addFilter('date', (v: unknown) => {
    const d = toDate(v);
    return d ? dateFormat.format(d) : '';
  });
  env.addFilter('datetime', (v: unknown) => {
    const d = toDate(v);
    return d ? dateTimeFormat.format(d) : '';
  });
  // The date badge of meeting cards: "12月15日" over "2026年", each on one line.
  env.addFilter('monthday', (v: unknown) => {
    const d = toDate(v);
    return d ? monthDayFormat.format(d) : '';
  });
  env.addFilter('year', (v: unknown) => {
    const d = toDate(v);
    return d ? yearFormat.format(d) : '';
  });
  env.addFilter('time', (v: unknown) => {
    const d = toDate(v);
    return d ? timeFormat.format(d) : '';
  });
  env.addFilter('isodate', (v: unknown) => toDate(v)?.toISOString() ?? '');
  env.addFilter('jsonld', (v: unknown) => new nunjucks.runtime.SafeString(jsonForScript(v)));
  env.addFilter('region', (r: { city?: string; county?: string; township?: string } | undefined) =>
    [r?.city, r?.county, r?.township].filter(Boolean).join(' · '),
  );
  return env;
}

let environment: nunjucks.Environment | undefined;

export function views(): nunjucks.Environment {
  return (environment ??= createEnvironment());
}

export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return views().render(template, data);
}
