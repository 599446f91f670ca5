/**
 * Editors may write regular expressions. They are matched on RE2 (see matcher.ts), which cannot backtrack, so no
 * pattern can stall the event loop; still, a pattern is refused at save time when its worst case under a
 * backtracking engine is anything but linear, so rules stay portable and cheap: recheck, a real ReDoS analyser
 * (automata theory plus fuzzing), judges it, and polynomial verdicts are refused as well as exponential ones
 * (recheck reports `(.*a){14}` as "degree 2" while V8 needs n^14 steps for it, so a degree cannot be trusted).
 * An unanchored `代表.*会议` is polynomial under backtracking; a bounded gap (`代表.{0,20}会议`) is not.
 * Patterns must also be valid for both engines (RE2 has no look-around and no back-references), and bounded.
 */
import { compileRe2 } from './matcher';

export const MAX_PATTERN_LENGTH = 200;
/**
 * The guard's version, stored with every regex rule it accepted (`regexGuard`). Raise it whenever the rules below
 * change: a stored rule without the current version is checked again before it is matched, one with it is not (so
 * answering messages never loads the ReDoS analyser, which holds several MB for the life of the process).
 */
export const REGEX_GUARD_VERSION = 1;
/** Case-insensitive; `u` so that character classes treat emoji and rare CJK as one character. */
export const REGEX_FLAGS = 'iu';
/** Analysis bound; a pattern recheck cannot settle in this time is refused. */
const CHECK_TIMEOUT_MS = 5_000;

const UNCHECKED = '正则表达式暂时无法检查，请稍后重试或改用「包含」匹配';
const CATASTROPHIC = '正则表达式可能导致灾难性回溯（例如 (a+)+、(a|a)*、\\s*\\s*x 这类重叠的重复），请改写得更简单';
const POLYNOMIAL =
  '正则表达式在最坏情况下耗时随消息长度成倍增长（例如 (.*a){14}、代表.*会议），请限定间隔长度（如 代表.{0,20}会议）、以 ^ 开头（如 ^代表.*会议）或改用「包含」匹配';

/** The worst-case cost recheck finds, reduced to whether it is acceptable given MAX_INPUT. */
async function backtrackingProblem(pattern: string): Promise<string | undefined> {
  let verdict;
  try {
    // Loaded with the first regex checked, not at start: recheck holds ~30 MB that an idle service does not need.
    const { check } = await import('recheck');
    verdict = await check(pattern, REGEX_FLAGS, { timeout: CHECK_TIMEOUT_MS });
  } catch {
    return UNCHECKED;
  }
  if (verdict.status === 'safe') return undefined;
  if (verdict.status === 'vulnerable' && verdict.complexity.type === 'polynomial') return POLYNOMIAL;
  if (verdict.status === 'unknown') return '正则表达式过于复杂，无法确认不会导致灾难性回溯，请改写得更简单';
  return CATASTROPHIC;
}

/** The reason a pattern is refused, in words editors read; undefined when it is acceptable. */
export async function regexProblem(pattern: string): Promise<string | undefined> {
  if (pattern.length > MAX_PATTERN_LENGTH) return `正则表达式过长（最多 ${MAX_PATTERN_LENGTH} 个字符）`;
  try {
    new RegExp(pattern, REGEX_FLAGS);
  } catch (err) {
    return `正则表达式语法错误：${(err as Error).message}`;
  }
  // Back-references make matching NP-hard in general; keyword rules never need them.
  if (/\\[1-9]|\\k</.test(pattern)) return '正则表达式不允许使用反向引用';
  try {
    compileRe2(pattern);
  } catch (err) {
    return `正则表达式使用了不支持的语法（不支持前后断言 (?=…) (?<=…) 等）：${(err as Error).message}`;
  }
  return backtrackingProblem(pattern);
}

/** Verdicts of patterns already checked on this instance: stored rules are re-checked once before they are used. */
const verdicts = new Map<string, Promise<boolean>>();

/** Whether a stored pattern may be matched against messages (rules saved before a guard change are re-checked). */
export function regexUsable(pattern: string): Promise<boolean> {
  let v = verdicts.get(pattern);
  if (!v) {
    v = regexProblem(pattern).then((problem) => {
      if (problem === UNCHECKED) verdicts.delete(pattern); // transient: try again next time
      return problem === undefined;
    });
    if (verdicts.size > 1_000) verdicts.clear();
    verdicts.set(pattern, v);
  }
  return v;
}
