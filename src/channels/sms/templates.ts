/**
 * SMS template mapping (templates/sms/templates.json): per notification kind, the provider template ids, the
 * parameters in template order with their length limits, and the approved wording (for the outbox).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
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

const templateSchema = z.object({
  tencent: z.string().min(1),
  aliyun: z.string().min(1),
  params: z.array(z.object({ name: z.string().regex(/^\w+$/), max: z.number().int().positive(), label: z.string().min(1) })),
  text: z.string().min(1),
});
const KINDS: SmsNotificationKind[] = ['news', 'invitation', 'reminder', 'change', 'cancellation', 'activity_notice', 'subscription_code'];
const templatesSchema = z.object(Object.fromEntries(KINDS.map((k) => [k, templateSchema])) as Record<SmsNotificationKind, typeof templateSchema>);

const cache = new Map<string, SmsTemplates>();

/** Reads and checks a template mapping; a broken file stops start-up with the file and the field named. */
export function loadSmsTemplates(file = DEFAULT_TEMPLATES_FILE): SmsTemplates {
  let t = cache.get(file);
  if (!t) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`SMS templates ${file}: ${(err as Error).message}`);
    }
    const parsed = templatesSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new Error(`SMS templates ${file}: ${problems.join('; ')}`);
    }
    t = parsed.data;
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
