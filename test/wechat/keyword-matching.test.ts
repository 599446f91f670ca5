/** Keyword matching rules and the regular-expression guard (pure functions). */
import { expect } from 'chai';
import { compileRule, matchingRules } from '../../src/wechat/keywords/matcher';
import { regexProblem } from '../../src/wechat/keywords/regex-guard';

describe('keyword matching', () => {
  const rule = (match: 'exact' | 'contains' | 'regex', pattern: string, id: string) => ({ match, pattern, id });

  it('matches exact (trimmed, case- and width-insensitive), contains and regex', () => {
    expect(compileRule(rule('exact', '代表', 'a')).test(' 代表 ')).to.equal(true);
    expect(compileRule(rule('exact', '代表', 'a')).test('代表们')).to.equal(false);
    expect(compileRule(rule('exact', 'NPC', 'a')).test('ｎｐｃ')).to.equal(true);
    expect(compileRule(rule('contains', '会议', 'b')).test('下周有什么会议吗')).to.equal(true);
    expect(compileRule(rule('contains', '会议', 'b')).test('开会')).to.equal(false);
    expect(compileRule(rule('regex', '^(建议|意见)', 'c')).test('建议增设公交站')).to.equal(true);
    expect(compileRule(rule('regex', '^(建议|意见)', 'c')).test('我有建议')).to.equal(false);
  });

  it('matches regex rules in linear time: a pattern that backtracks for a minute in V8 answers at once', () => {
    // (.*a){16} against 600 characters without an "a" needs ~n^16 backtracking steps (≈51 s per message in V8);
    // on RE2 it is one pass. Without the linear engine this test runs into mocha's timeout.
    const slow = compileRule(rule('regex', '(.*a){16}', 'redos'));
    expect(slow.test('b'.repeat(600))).to.equal(false);
    expect(slow.test('a'.repeat(16))).to.equal(true);
    expect(compileRule(rule('regex', '^NPC', 'n')).test('npc 代表')).to.equal(true);
  });

  it('stops matching when the budget is spent, reporting the rules left untried', () => {
    const compiled = [rule('contains', '代表', 'a'), rule('contains', '代表', 'b')].map(compileRule);
    let untried = -1;
    expect([...matchingRules(compiled, '代表', { budgetMs: -1, onBudgetSpent: (n) => (untried = n) })]).to.deep.equal([]);
    expect(untried).to.equal(2);
  });

  it('yields matches in the given order (priority order is the caller’s sort)', () => {
    const compiled = [rule('contains', '代表', 'high'), rule('exact', '代表', 'low')].map(compileRule);
    expect([...matchingRules(compiled, '代表')].map((r) => r.id)).to.deep.equal(['high', 'low']);
  });
});

describe('regex guard', () => {
  it('accepts ordinary patterns', async () => {
    expect(await regexProblem('^(代表|人大代表)$')).to.equal(undefined);
    expect(await regexProblem('会议\\d{1,2}月')).to.equal(undefined);
  });

  it('refuses catastrophic, invalid, back-referencing and over-long patterns with a clear reason', async () => {
    expect(await regexProblem('(a+)+$')).to.match(/灾难性回溯/);
    expect(await regexProblem('(x*)*y')).to.match(/灾难性回溯/);
    expect(await regexProblem('([a-z]+)*@')).to.match(/灾难性回溯/);
    expect(await regexProblem('(unclosed')).to.match(/语法错误/);
    expect(await regexProblem('(a)\\1')).to.match(/反向引用/);
    expect(await regexProblem('a'.repeat(201))).to.match(/过长/);
  });

  it('refuses polynomial patterns too, and says how to anchor them', async () => {
    for (const p of ['(.*a){14}', '(.*a){16}', '(.*a){20}', '(.*a){25}', '代表.*会议', '\\s*x$']) {
      expect(await regexProblem(p), p).to.match(/成倍增长/);
    }
    expect(await regexProblem('^代表.*会议')).to.equal(undefined);
    expect(await regexProblem('代表.{0,20}会议')).to.equal(undefined);
    expect(await regexProblem('^\\s*td\\s*$')).to.equal(undefined);
  });

  it('refuses syntax the linear engine lacks (look-around)', async () => {
    expect(await regexProblem('^代表(?=会议)')).to.match(/不支持的语法/);
    expect(await regexProblem('^(?<!人大)代表')).to.match(/不支持的语法/);
  });
});
