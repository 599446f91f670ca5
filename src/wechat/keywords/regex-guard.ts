/**
 * Editors may write regular expressions; a catastrophic one (nested quantifiers, `(a+)+`) would let a single citizen's
 * message stall the event loop. Patterns are checked at save time: bounded length, valid syntax, and safe-regex2's
 * star-height analysis. Messages are bounded too (WeChat text ≤ 2048 bytes; we match at most MAX_INPUT characters).
 */
import safeRegex from 'safe-regex2';

export const MAX_PATTERN_LENGTH = 200;
export const MAX_INPUT = 600;
/** Case-insensitive; `u` so that character classes treat emoji and rare CJK as one character. */
export const REGEX_FLAGS = 'iu';

/** The reason a pattern is refused, in words editors read; undefined when it is acceptable. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `正则表达式过长（最多 ${MAX_PATTERN_LENGTH} 个字符）`;
  try {
    new RegExp(pattern, REGEX_FLAGS);
  } catch (err) {
    return `正则表达式语法错误：${(err as Error).message}`;
  }
  // Back-references cannot be bounded by the star-height check.
  if (/\\[1-9]|\\k</.test(pattern)) return '正则表达式不允许使用反向引用';
  if (!safeRegex(pattern, { limit: 25 })) {
    return '正则表达式可能导致灾难性回溯（例如 (a+)+ 这类嵌套重复），请改写得更简单';
  }
  return undefined;
}
