/**
 * Keyword-rule matching on RE2 (re2js, what the service uses) against V8's RegExp (the baseline), in-process:
 *   npm run bench:keywords [-- --messages 20000 --rules 50]
 * Ordinary rules (anchored alternatives, bounded gaps, digits) against realistic follower messages: the cost
 * of the linear-time engine per message. Then the pathological rule of the review: what it costs each engine
 * (V8 gets one shorter message, since 600 characters would take it minutes; RE2 gets 200 of full length).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compileRule } from '../../src/wechat/keywords/matcher';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20000' }, rules: { type: 'string', default: '50' } } });
const MESSAGES = Math.min(Number(values.messages), 200_000);
const RULES = Math.min(Number(values.rules), 500);

const shapes = ['^(建议|意见)', '代表.{0,20}会议', '^\\s*td\\s*$', '会议\\d{1,2}月', '^(报名|参加).{0,10}(会议|活动)', '联络站(在哪|地址)', '^[0-9]{11}$'];
const patterns = Array.from({ length: RULES }, (_, i) => `${shapes[i % shapes.length]}${i >= shapes.length ? `|关键词${i}` : ''}`);
const texts = ['你好', '建议在村口增设路灯', '请问代表什么时候开会议', '会议12月在哪里开', 'TD', '报名参加下周的交流会议', '附近的联络站在哪', '13800138000', '代表风采'];
const messages = Array.from({ length: MESSAGES }, (_, i) => `${texts[i % texts.length]}${'。'.repeat(i % 5)}`);

function run(label: string, tests: Array<(s: string) => boolean>, inputs: string[]): number {
  const start = performance.now();
  let hits = 0;
  for (const m of inputs) for (const t of tests) if (t(m)) hits += 1;
  const ms = performance.now() - start;
  console.log(`${label.padEnd(34)} ${(inputs.length / (ms / 1000)).toFixed(0).padStart(9)} messages/s  ${((ms * 1000) / inputs.length).toFixed(1).padStart(8)} µs/message  (${hits} matches)`);
  return hits;
}

console.log(`${RULES} rules × ${MESSAGES} messages`);
const v8Rules = patterns.map((p) => new RegExp(p, 'iu'));
const baseline = run('V8 RegExp (baseline)', v8Rules.map((re) => (s: string) => re.test(s)), messages);
const re2 = run('RE2 (re2js, as served)', patterns.map((p) => compileRule({ match: 'regex' as const, pattern: p }).test), messages);
if (baseline !== re2) throw new Error(`the engines disagree: ${baseline} vs ${re2} matches`);

// The reviewer's attack: (.*a){n} against a message with n-1 "a"s spread out, so that nothing matches and a
// backtracking engine tries every way of placing them (steps grow like length^(n-1)).
const spread = (n: number, length: number) => ('a' + 'b'.repeat(Math.floor(length / (n - 1)) - 1)).repeat(n - 1);
const evil = '(.*a){14}';
const v8Input = spread(14, 390);
const v8Start = performance.now();
new RegExp(evil, 'iu').test(v8Input);
console.log(`V8 RegExp, ${evil}, ${v8Input.length} characters: ${(performance.now() - v8Start).toFixed(0)} ms for ONE message (600 characters: far longer)`);
const worst = spread(16, 600);
run(`RE2, (.*a){16}, ${worst.length} characters`, [compileRule({ match: 'regex' as const, pattern: '(.*a){16}' }).test], Array.from({ length: 200 }, () => worst));
