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
});
