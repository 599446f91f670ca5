/**
 * Pure matching of a citizen's text against the ordered rules. Regex rules run on RE2 (re2js, a pure-JS port of
 * Google's RE2): an automaton, not a backtracking engine, so a match costs time linear in the input whatever the
 * pattern (`(.*a){16}` on 600 characters: milliseconds, where V8's engine needs close to a minute). A message
 * is matched within a total time budget as well: rules still untried when it is spent are skipped (and counted)
 * rather than holding the event loop.
 */
import { performance } from 'node:perf_hooks';
import { RE2JS } from 're2js';
import type { MatchType } from '../models/keyword-rule';

export interface CompiledRule<T> {
  rule: T;
  test(input: string): boolean;
}

/** Characters of a message that are matched (WeChat text is at most 2048 bytes). */
export const MAX_INPUT = 600;
/** Total time one message may spend in rule matching. */
export const MATCH_BUDGET_MS = 50;

/** Full-width letters and digits folded, spaces trimmed, case folded: "ＡＢＣ " and "abc" are the same word. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

/** A pattern as RE2 compiles it: case-insensitive, Unicode (RE2 always works on code points). Throws on syntax RE2 lacks. */
export function compileRe2(pattern: string): RE2JS {
  return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
}

export function compileRule<T extends { match: MatchType; pattern: string }>(rule: T): CompiledRule<T> {
  if (rule.match === 'regex') {
    const re = compileRe2(rule.pattern);
    return { rule, test: (input) => re.matcher(input.slice(0, MAX_INPUT)).find() };
  }
  const pattern = normalizeText(rule.pattern);
  if (rule.match === 'exact') return { rule, test: (input) => normalizeText(input) === pattern };
  return { rule, test: (input) => pattern !== '' && normalizeText(input.slice(0, MAX_INPUT)).includes(pattern) };
}

/**
 * Rules in match order; the caller already sorted them (priority desc, then most recently changed). Stops when
 * the budget is spent, calling `onBudgetSpent` with the number of rules left untried.
 */
export function* matchingRules<T>(
  compiled: CompiledRule<T>[],
  input: string,
  options: { budgetMs?: number; onBudgetSpent?: (untried: number) => void } = {},
): Generator<T> {
  // Only the time spent matching counts: while the caller holds a yielded rule it may wait on the database (an
  // article rule checks its item is still published), and that wait must not use up the later rules' budget.
  const budget = options.budgetMs ?? MATCH_BUDGET_MS;
  let spent = 0;
  for (let i = 0; i < compiled.length; i += 1) {
    if (spent > budget) {
      options.onBudgetSpent?.(compiled.length - i);
      return;
    }
    const started = performance.now();
    const matched = compiled[i].test(input);
    spent += performance.now() - started;
    if (matched) yield compiled[i].rule;
  }
}
