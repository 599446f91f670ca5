/** Pure matching of a citizen's text against the ordered rules. */
import type { MatchType } from '../models/keyword-rule';
import { MAX_INPUT, REGEX_FLAGS } from './regex-guard';

export interface CompiledRule<T> {
  rule: T;
  test(input: string): boolean;
}

/** Full-width letters and digits folded, spaces trimmed, case folded: "ＡＢＣ " and "abc" are the same word. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

export function compileRule<T extends { match: MatchType; pattern: string }>(rule: T): CompiledRule<T> {
  if (rule.match === 'regex') {
    const re = new RegExp(rule.pattern, REGEX_FLAGS);
    return { rule, test: (input) => re.test(input.slice(0, MAX_INPUT)) };
  }
  const pattern = normalizeText(rule.pattern);
  if (rule.match === 'exact') return { rule, test: (input) => normalizeText(input) === pattern };
  return { rule, test: (input) => pattern !== '' && normalizeText(input.slice(0, MAX_INPUT)).includes(pattern) };
}

/** Rules in match order; the caller already sorted them (priority desc, then most recently changed). */
export function* matchingRules<T>(compiled: CompiledRule<T>[], input: string): Generator<T> {
  for (const c of compiled) if (c.test(input)) yield c.rule;
}
