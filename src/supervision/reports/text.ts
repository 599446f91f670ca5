/**
 * The report's words, as a list of blocks both the Word document and the HTML view render: headings numbered
 * 一、（一）1., paragraphs written from the figures, tables and chart slots. Generated, never typed.
 */
import { formatBeijing } from '../../calendar/beijing';
import type { ReportData } from './data';

export type Block =
  | { type: 'heading1' | 'heading2'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'table'; caption: string; header: string[]; rows: string[][] }
  | { type: 'chart'; key: 'ranking' | 'coverage' | 'trend' };

const CN_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n));

export function reportBlocks(d: ReportData): Block[] {
  const out: Block[] = [];
  let h1 = 0;
  const heading = (text: string) => out.push({ type: 'heading1', text: `${CN_NUMBERS[h1++]}、${text}` });
  const p = (text: string) => out.push({ type: 'paragraph', text });
  const pr = d.problems.totals;
  const s = d.suggestions.totals;
  const best = d.counties[0];
  const worst = d.counties[d.counties.length - 1];

  p(
    `${d.period.label}，全市共开展代表小组活动${d.activitiesHeld}次；登记意见建议${s.counts.registered}件，办结率${pct(s.rates.closureRate)}、满意率${pct(s.rates.satisfactionRate)}；` +
      `开展督查${d.problems.rounds}轮、回头看${d.problems.revisits}轮，走访乡镇${d.problems.townshipsVisited}个，发现问题${pr.found}个，已整改${pr.rectified}个，尚未整改${pr.open}个（其中逾期${pr.overdue}个）。现将有关情况${d.kind === 'half' ? '通报' : '报告'}如下。`,
  );

  heading('“五个全覆盖”完成情况');
  out.push({
    type: 'table',
    caption: `表1 “五个全覆盖”完成情况（${d.period.label}）`,
    header: ['指标', '已覆盖', '应覆盖', '覆盖率'],
    rows: d.coverage.map((c) => [c.label, num(c.numerator), num(c.denominator), c.rate === null ? '未计算' : pct(c.rate)]),
  });
  out.push({ type: 'chart', key: 'coverage' });

  heading('各县（市、区）排名');
  if (best && worst && d.counties.length > 1) {
    p(`按“五个全覆盖”各项覆盖率的平均值计算综合得分，${best.county}以${num(best.score)}分居首，${worst.county}以${num(worst.score)}分居末。`);
  }
  out.push({
    type: 'table',
    caption: `表2 各县（市、区）综合排名（${d.period.label}）`,
    header: ['名次', '县（市、区）', '综合得分', '活动次数', '代表按时参加', '督导乡镇', '建议办结率', '未整改问题'],
    rows: d.counties.map((c) => [String(c.rank), c.county, num(c.score), String(c.activitiesHeld), pct(c.coverage[1].rate), pct(c.coverage[2].rate), pct(c.suggestions.closureRate), String(c.problems.open)]),
  });
  out.push({ type: 'chart', key: 'ranking' });

  heading('意见建议办理情况');
  p(`本期登记意见建议${s.counts.registered}件，已交办${s.counts.assigned}件，办结${s.counts.closed}件；交办率${pct(s.rates.assignmentRate)}，办结率${pct(s.rates.closureRate)}，满意率${pct(s.rates.satisfactionRate)}，按时答复率${pct(s.rates.onTimeRate)}。`);
  out.push({
    type: 'table',
    caption: `表3 各县（市、区）意见建议办理情况（${d.period.label}）`,
    header: ['县（市、区）', '登记', '交办率', '办结率', '满意率', '按时答复率'],
    rows: d.suggestions.byCounty.map((r) => [r.label, String(r.counts.registered), pct(r.rates.assignmentRate), pct(r.rates.closureRate), pct(r.rates.satisfactionRate), pct(r.rates.onTimeRate)]),
  });
  if (d.trend.length > 1) out.push({ type: 'chart', key: 'trend' });

  heading('督导检查发现的问题及整改情况');
  out.push({ type: 'heading2', text: '（一）问题分类' });
  const cats = d.problems.byCategory.filter((c) => c.found > 0);
  p(cats.length ? `本期发现的问题中，${cats.map((c, i) => `${i + 1}.${c.label}${c.found}个（未整改${c.open}个）`).join('；')}。` : '本期督查未发现问题。');
  out.push({ type: 'heading2', text: '（二）整改进度' });
  p(`本期发现问题${pr.found}个，已整改${pr.rectified}个，其中按期整改${pr.rectifiedOnTime}个；尚未整改${pr.open}个，其中逾期${pr.overdue}个；以前各期遗留未整改问题${d.problems.carriedOver}个。`);
  if (d.problems.byCounty.length) {
    out.push({
      type: 'table',
      caption: `表4 各县（市、区）问题整改情况（${d.period.label}）`,
      header: ['县（市、区）', '发现问题', '已整改', '按期整改', '未整改', '逾期'],
      rows: d.problems.byCounty.map((c) => [c.county, String(c.found), String(c.rectified), String(c.rectifiedOnTime), String(c.open), String(c.overdue)]),
    });
  }

  heading('宣传工作情况');
  const t = d.publicity.totals;
  p(`本期在各宣传平台发布稿件${t.itemsPublished}篇，短信送达${t.smsReached}人次，微信公众号发布${t.wechatPublished}次、群发${t.wechatBroadcasts}次，网站浏览${t.pageViews}次${t.followersGained === null ? '' : `，公众号新增关注${t.followersGained}人`}。`);
  const media = d.publicity.media;
  if (media) {
    p(
      media.runs
        ? `报纸、电视台等媒体专题专栏刊播${media.runs}期，刊播稿件${media.placements}篇次，其中${media.byPartner.map((x) => `${x.name}（${x.kindLabel}）${x.runs}期${x.placements}篇次`).join('、')}。`
        : '本期报纸、电视台等媒体专题专栏未登记刊播本平台稿件。',
    );
  }

  heading('下一步工作要求');
  const lagging = d.counties.filter((c) => c.score !== null && c.score < 60).map((c) => c.county);
  const overdue = d.problems.byCounty.filter((c) => c.overdue > 0);
  let n = 1;
  if (lagging.length) p(`${n++}.${lagging.join('、')}综合得分低于60分，要对照“五个全覆盖”逐项查找差距，限期补齐短板。`);
  if (overdue.length) p(`${n++}.${overdue.map((c) => `${c.county}（${c.overdue}个）`).join('、')}有逾期未整改问题，要立行立改，整改结果报市人大常委会。`);
  const idle = d.coverage.find((c) => c.key === 'supervision');
  if (idle?.rate !== null && idle?.rate !== undefined && idle.rate < 1) p(`${n++}.督导乡镇覆盖率为${pct(idle.rate)}，各联系委室要在下期实现督导全覆盖。`);
  p(`${n}.各县（市、区）人大常委会要加强代表小组活动数据的及时录入，确保数据信息真实准确。`);
  return out;
}

export const reportDate = (at: Date) => formatBeijing(at, false);
