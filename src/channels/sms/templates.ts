/**
 * SMS template mapping (templates/sms/templates.json): per notification kind, the provider template ids, the
 * parameters in template order with their length limits, and the approved wording (for the outbox).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SmsNotificationKind } from '../types';

export interface TemplateParam {
  name: string;
  /** Maximum length in characters (code points) approved with the provider. */
  max: number;
  /** Chinese name of the field, for error messages. */
  label: string;
}

export interface SmsTemplate {
  tencent: string;
  aliyun: string;
  params: TemplateParam[];
  text: string;
}

export type SmsTemplates = Record<SmsNotificationKind, SmsTemplate>;

export const DEFAULT_TEMPLATES_FILE = path.resolve(__dirname, '../../../templates/sms/templates.json');

const cache = new Map<string, SmsTemplates>();

export function loadSmsTemplates(file = DEFAULT_TEMPLATES_FILE): SmsTemplates {
  let t = cache.get(file);
  if (!t) {
    t = JSON.parse(readFileSync(file, 'utf8')) as SmsTemplates;
    cache.set(file, t);
  }
  return t;
}

/** The template's wording with values filled in, as the recipient would read it (sign added by the caller). */
export function renderSmsText(template: SmsTemplate, values: Record<string, string>): string {
  return template.text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
}

export function charLength(s: string): number {
  return [...s].length;
}
