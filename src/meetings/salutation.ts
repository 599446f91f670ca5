/**
 * How a text greets a person (称呼), as a person writing would: a deputy by surname and 代表 ("王代表您好"), anyone
 * invited with a role by surname and role ("王记者您好", "李镇长您好"), everyone else by full name ("张三您好").
 */

/** Two-character surnames (复姓) common enough to meet in a list of invitees. */
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐',
  '端木', '西门', '南宫', '澹台', '轩辕', '呼延', '申屠', '太史', '闻人', '万俟', '独孤', '钟离', '赫连', '百里',
]);

/** The surname of a Chinese name of two or more Han characters; undefined for anything else (a foreign name). */
export function surnameOf(name: string): string | undefined {
  const chars = [...name.trim()];
  if (chars.length < 2 || !chars.every((c) => /\p{Script=Han}/u.test(c))) return undefined;
  const two = chars.slice(0, 2).join('');
  if (COMPOUND_SURNAMES.has(two) && chars.length >= 3) return two;
  return chars[0];
}

export interface Greeted {
  name: string;
  /** 称谓 given by the organizer (记者, 镇长 …); deputies need none. */
  role?: string;
  /** Invited as a deputy (directly or through a group). */
  deputy: boolean;
}

export function salutation(p: Greeted): string {
  const title = p.deputy ? '代表' : (p.role ?? '').trim();
  const surname = surnameOf(p.name);
  return title && surname ? `${surname}${title}` : p.name.trim();
}
