import { expect } from 'chai';
import JSZip from 'jszip';
import { makeDueReports } from '../../src/supervision/reports/service';
import { startTestApp, type TestApp } from '../support/app';
import { TestClock } from '../support/clock';
import { NOW, Y, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, type Town, type Users } from '../activities/support';
import { REPORTS_JOB } from '../../src/supervision/module';
import { pdfItems, pdfText } from '../support/pdf';
import { reportPdf } from '../../src/supervision/reports/pdf';
import { loadConfig } from '../../src/config';
import { article, createPartner } from '../partners/support';
import { reportDocx } from '../../src/supervision/reports/docx';
import type { OfficialDocument } from '../../src/supervision/reports/layout';

const textOf = (xml: string) => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
/** The body's paragraphs (outside tables), each with its text and XML. */
const paragraphsOf = (xml: string) =>
  [...xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '').matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => ({ xml: m[0], text: textOf(m[0]) }));

/** The parts of an official document (GB/T 9704) in the order they must appear. */
const OFFICIAL_PARTS = ['发文机关标志', '标题', '主送机关', '正文', '署名与成文日期', '版记'];
const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The parts found in `text`, each searched after the one before it (pieces of a part may be split by white space). */
function partsInOrder(text: string, r: { city: string; title: string; date: string }): string[] {
  const patterns: Array<[string, string[]]> = [
    ['发文机关标志', [`${r.city}人大常委会文件`]],
    ['标题', [r.title]],
    ['主送机关', ['各县（市、区）人大常委会，市人大常委会各工作委员会：']],
    ['正文', ['一、“五个全覆盖”完成情况']],
    ['署名与成文日期', [`${r.city}人大常委会`, r.date]],
    ['版记', [`${r.city}人大常委会办公室`, `${r.date}印发`]],
  ];
  const found: string[] = [];
  let from = 0;
  for (const [name, pieces] of patterns) {
    const re = new RegExp(pieces.map(escape).join('\\s*'), 'g');
    re.lastIndex = from;
    const hit = re.exec(text);
    if (hit) {
      found.push(name);
      from = hit.index + hit[0].length;
    }
  }
  return found;
}
/** A day as the documents print it (Beijing time, Arabic numerals): 2030年6月15日. */
const documentDate = (at: string) => {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(at)).split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/**
 * Periodic reports: made by the job under its lease exactly once per period (two instances at once, reruns),
 * caught up after downtime by the test clock, regenerated as drafts, issued, and opened as .docx and HTML.
 */
describe('supervision reports: schedule, catch-up, documents, issue', function () {
  this.timeout(600_000);
  let app: TestApp;
  let clock: TestClock;
  let users: Users;
  let supervisor: string;
  let a: Town;
  let c: Town;
  const base = '/api/admin/supervision';
  const ids = async () => ((await app.request('GET', `${base}/reports`, { token: supervisor })).body.items as Array<{ id: string }>).map((r) => r.id).sort();

  before(async () => {
    clock = new TestClock(NOW); // 15 June, 10:00 Beijing
    app = await startTestApp({ name: 'supervision-reports', clock });
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['city', 'county', 'township'], { roomAddress: '龙潭镇代表之家' });
    c = await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['county', 'township'], { roomAddress: '凤岭乡' });
    await seedGroup('西林一组', { county: '西林县', township: '西林镇' }, ['township', 'township']);
    users = await signIn(app, [a.groupId, c.groupId]);
    const s = await app.loginAs('supervisor', '督导组老吴');
    supervisor = s.token;
    for (const [town, at, absent] of [[a, `${Y}-05-10T02:00:00Z`, []], [a, `${Y}-05-20T02:00:00Z`, []], [c, `${Y}-05-12T02:00:00Z`, [1]]] as const) {
      expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(at), { participants: rollCall(town, [], [...absent]), subject: `活动${at}` }) }), 201);
    }
    expectStatus(await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '市人大常委会代表工作委员会', memberIds: [s.userId], counties: ['龙潭县', '西林县'], effectiveFrom: `${Y}-01-01` } }), 201);
    const round = await app.request('POST', `${base}/rounds`, { token: supervisor, body: { county: '龙潭县', date: `${Y}-05-15`, townships: ['龙潭镇'] } });
    expectStatus(round, 201);
    const p1 = await app.request('POST', `${base}/rounds/${round.body.id}/problems`, { token: supervisor, body: { categoryId: 'venue', description: '活动室未挂牌', deadline: `${Y}-06-20`, township: '龙潭镇' } });
    expectStatus(p1, 201);
    expectStatus(await app.request('POST', `${base}/rounds/${round.body.id}/problems`, { token: supervisor, body: { categoryId: 'formality', description: '活动记录简单', deadline: `${Y}-06-01`, township: '凤岭乡' } }), 201);
    expectStatus(await app.request('POST', `${base}/problems/${p1.body.id}/progress`, { token: supervisor, body: { version: 1, state: 'rectified', text: '标牌已悬挂' } }), 200);
    // Media coverage of May: the TV station's column ran two items in one broadcast, the newspaper one item on one page.
    const reviewer = (await app.loginAs('reviewer')).token;
    const editor = (await app.loginAs('editor')).token;
    const items = [await article({ title: '龙潭代表进村', region: { county: '龙潭县' }, publishedAt: new Date(`${Y}-05-11T02:00:00Z`) }), await article({ title: '凤岭代表接待日', region: { county: '龙潭县' }, publishedAt: new Date(`${Y}-05-13T02:00:00Z`) })];
    for (const [name, kind, date, ran] of [['龙潭电视台', 'tv', `${Y}-05-18`, items], ['龙潭日报', 'newspaper', `${Y}-05-20`, items.slice(0, 1)]] as const) {
      const partner = await createPartner(app, reviewer, { name, kind, takes: { kinds: ['article'], regions: ['龙潭县'] } });
      const column = await app.request('POST', `/api/admin/partners/${partner.id}/columns`, { token: reviewer, body: { name: '代表在行动', cadence: 'weekly', startDate: `${Y}-05-04` } });
      expectStatus(column, 201);
      expectStatus(await app.request('POST', `/api/admin/partners/${partner.id}/columns/${column.body.id}/runs`, { token: editor, body: { date, items: ran.map((itemId) => ({ kind: 'article', itemId })) } }), 201);
    }
  });
  after(() => app.close());

  it('makes the last ended period of each kind on the first run, and nothing twice on reruns', async () => {
    expect(await app.service.services.scheduler.runNow(REPORTS_JOB)).to.equal(true);
    expect(await ids()).to.deep.equal([`annual:${Y - 1}`, `half:${Y - 1}-H2`, `monthly:${Y}-05`, `quarterly:${Y}-Q1`]);
    await app.service.services.scheduler.runNow(REPORTS_JOB);
    expect(await ids()).to.have.length(4);
  });

  it('catches up after downtime, exactly once per period even with two instances running the job at once', async () => {
    clock.set(new Date(`${Y}-09-15T02:00:00Z`));
    // Three months on, the sign-ins of June have expired: sign in again.
    supervisor = (await app.loginAs('supervisor', '督导组老吴')).token;
    users.organizer = (await app.loginAs('organizer')).token;
    users.editor = (await app.loginAs('editor')).token;
    const { services } = app.service;
    const ctx = { config: services.config, clock: services.clock, logger: services.logger, events: services.events };
    // The job twice at once (one holds the lease, the other skips) and the job's work itself beside them without the
    // lease, as a second instance whose lease had expired would: the unique id per period still leaves one each.
    await Promise.all([services.scheduler.runNow(REPORTS_JOB), services.scheduler.runNow(REPORTS_JOB), makeDueReports(ctx), makeDueReports(ctx)]);
    await services.scheduler.runNow(REPORTS_JOB);
    expect(await ids()).to.deep.equal([
      `annual:${Y - 1}`, `half:${Y - 1}-H2`, `half:${Y}-H1`,
      `monthly:${Y}-05`, `monthly:${Y}-06`, `monthly:${Y}-07`, `monthly:${Y}-08`,
      `quarterly:${Y}-Q1`, `quarterly:${Y}-Q2`,
    ]);
    const list = await app.request('GET', `${base}/reports?kind=monthly`, { token: users.organizer });
    expect(list.body.items.every((r: any) => r.status === 'draft' && r.source === 'schedule' && r.revision === 1)).to.equal(true);
  });

  it('counts the month\'s media coverage (newspaper and TV columns) in the monthly summary, as the partners module counts it', async () => {
    const res = await app.request('GET', `${base}/reports/monthly/${Y}-05`, { token: users.organizer });
    expectStatus(res, 200);
    const direct = (await app.request('GET', `/api/admin/media-coverage?month=${Y}-05`, { token: users.editor })).body;
    expect(direct).to.deep.include({ runs: 2, placements: 3 });
    const media = res.body.data.publicity.media;
    expect({ runs: media.runs, placements: media.placements }).to.deep.equal({ runs: direct.runs, placements: direct.placements });
    expect(media.byPartner).to.deep.equal([
      { name: '龙潭电视台', kindLabel: '电视台', runs: 1, placements: 2 },
      { name: '龙潭日报', kindLabel: '报纸', runs: 1, placements: 1 },
    ]);
    const html = await app.request('GET', `${base}/reports/monthly/${Y}-05/document.html`, { token: users.organizer });
    expect(html.text).to.contain('报纸、电视台等媒体专题专栏刊播2期，刊播稿件3篇次，其中龙潭电视台（电视台）1期2篇次、龙潭日报（报纸）1期1篇次。');
  });

  it('holds the same figures as the coverage, suggestions and problem records of the period', async () => {
    const res = await app.request('GET', `${base}/reports/quarterly/${Y}-Q2`, { token: users.organizer });
    expectStatus(res, 200);
    const d = res.body.data;
    expect(d.title).to.equal(`关于${Y}年第2季度代表小组活动督查情况的报告`);
    expect(d.activitiesHeld).to.equal(3);
    const longtan = d.counties.find((x: any) => x.county === '龙潭县');
    const cov = await app.request('GET', `/api/admin/coverage?level=county&name=${encodeURIComponent('龙潭县')}&period=${Y}-Q2`, { token: users.organizer });
    for (const f of cov.body.figures) {
      const cell = longtan.coverage.find((x: any) => x.key === f.key);
      expect([cell.numerator, cell.denominator], f.key).to.deep.equal([f.numerator, f.denominator]);
    }
    expect(longtan.activitiesHeld).to.equal(3);
    // Problems found in Q2, as of 30 June: one rectified on time, one open and overdue.
    expect(longtan.problems).to.deep.equal({ found: 2, rectified: 1, open: 1, overdue: 1 });
    expect(d.problems.totals).to.deep.equal({ found: 2, rectified: 1, rectifiedOnTime: 1, open: 1, overdue: 1 });
    expect(d.problems.byCategory.find((x: any) => x.categoryId === 'venue')).to.include({ found: 1, open: 0 });
    // Ranking: by the mean of the measured coverage rates.
    const means = d.counties.map((x: any) => {
      const rates = x.coverage.map((cc: any) => cc.rate).filter((r: number | null) => r !== null);
      return Math.round((rates.reduce((s: number, r: number) => s + r, 0) / rates.length) * 10_000) / 100;
    });
    expect(d.counties.map((x: any) => x.score)).to.deep.equal(means);
    expect([...means].sort((x: number, y: number) => y - x)).to.deep.equal(means);
    expect(d.counties.map((x: any) => x.rank)).to.deep.equal([1, 2]);
    expect(d.trend.map((t: any) => t.month)).to.deep.equal([`${Y}-04`, `${Y}-05`, `${Y}-06`]);
    expect(d.trend.map((t: any) => t.activitiesHeld)).to.deep.equal([0, 3, 0]);
    expect(d.publicity.months.map((m: any) => m.month)).to.deep.equal([`${Y}-04`, `${Y}-05`, `${Y}-06`]);
  });

  it('gives the report as a Word document in the official layout with its tables and charts', async () => {
    const res = await fetch(`${app.url}${base}/reports/quarterly/${Y}-Q2/document.docx`, { headers: { authorization: `Bearer ${users.organizer}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('wordprocessingml');
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).to.contain(`关于${Y}年第2季度代表小组活动督查情况的报告`);
    for (const h of ['一、“五个全覆盖”完成情况', '二、各县（市、区）排名', '三、意见建议办理情况', '四、督导检查发现的问题及整改情况', '（二）整改进度', '五、宣传工作情况']) expect(text).to.contain(h);
    expect(text).to.contain('本期发现问题2个，已整改1个，其中按期整改1个；尚未整改1个，其中逾期1个');
    // Table 2's row of the first county: rank, name, score.
    const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) => [...r[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]));
    const report = (await app.request('GET', `${base}/reports/quarterly/${Y}-Q2`, { token: users.organizer })).body;
    const data = report.data;
    const first = rows.find((r) => r[0] === '1' && r[1] === data.counties[0].county);
    expect(first?.slice(2, 4)).to.deep.equal([String(data.counties[0].score), String(data.counties[0].activitiesHeld)]);
    expect(xml).to.contain('w:eastAsia="仿宋_GB2312"');
    expect(xml).to.contain('w:eastAsia="方正小标宋简体"');
    expect(xml).to.contain('w:eastAsia="黑体"');
    expect(xml).to.match(/w:top="2098"/); // 37 mm
    const media = Object.keys(zip.files).filter((f) => f.startsWith('word/media/') && !f.endsWith('/'));
    expect(media).to.have.length(3);
    expect(text).to.contain('图1 各县（市、区）综合得分排名');
    const footers = await Promise.all(Object.keys(zip.files).filter((f) => /word\/footer\d+\.xml/.test(f)).map((f) => zip.file(f)!.async('string')));
    expect(footers.some((f) => /PAGE/.test(f) && /w:jc w:val="right"/.test(f))).to.equal(true);
    expect(footers.some((f) => /PAGE/.test(f) && /w:jc w:val="left"/.test(f))).to.equal(true);
    // "— n —": the dashes around a PAGE field in 宋体.
    for (const f of footers) expect(textOf(f).replace(/\s/g, '')).to.equal('——');
    expect(footers.every((f) => /<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/.test(f) && f.includes('w:eastAsia="宋体"'))).to.equal(true);

    // The official document's parts, as the PDF carries them (layout.ts): 版头 with the red mark and the red line, title,
    // 主送机关, body, 署名 and 成文日期, 版记 between its rules.
    // The 版记 is the one text box (VML w:pict) of the document, in its last paragraph: see the colophon checks below.
    const picts = [...xml.matchAll(/<w:pict>[\s\S]*?<\/w:pict>/g)].map((m) => m[0]);
    expect(picts, 'one text box').to.have.length(1);
    const box = picts[0];
    const paras = paragraphsOf(xml.replace(box, ''));
    const mark = paras.find((p) => p.text.endsWith('人大常委会文件'))!;
    expect(mark, '发文机关标志').to.not.equal(undefined);
    expect(mark.xml).to.contain('<w:color w:val="E60012"/>');
    expect(mark.xml).to.contain('w:eastAsia="方正小标宋简体"');
    expect(mark.xml).to.match(/<w:jc w:val="center"\/>/);
    const redLine = paras.findIndex((p) => /<w:pBdr>[\s\S]*<w:bottom [^>]*w:color="E60012"[\s\S]*<\/w:pBdr>/.test(p.xml));
    expect(redLine, 'the red separator line').to.equal(paras.indexOf(mark) + 1);
    expect(paras[redLine].text, 'no 文号 on a draft').to.equal('');
    const parts = { city: data.city, title: data.title, date: documentDate(report.generatedAt) };
    expect(partsInOrder(`${paras.map((p) => p.text).join('\n')}\n${textOf(box)}`, parts)).to.deep.equal(OFFICIAL_PARTS);

    // 版记 at the foot of the last page (GB/T 9704 7.3): a text box pinned to the bottom of the 版心, no text wrapping,
    // anchored in the body's last paragraph, which is empty and at least as tall as the box plus a line, so the flow
    // keeps that room free on whichever page the document ends.
    expect(xml, 'the box is in the last paragraph of the body').to.match(/<\/w:pict><\/w:r><\/w:p><w:sectPr>/);
    const anchor = paras.slice(-1)[0];
    expect(anchor.text).to.equal('');
    const shape = box.match(/<v:shape [^>]*>/)![0];
    const style = Object.fromEntries(shape.match(/style="([^"]*)"/)![1].split(';').map((kv) => kv.split(':')));
    expect(style).to.include({ position: 'absolute', 'mso-position-vertical': 'bottom', 'mso-position-vertical-relative': 'margin', 'mso-position-horizontal': 'center', 'mso-position-horizontal-relative': 'margin' });
    expect(parseFloat(style.width)).to.be.closeTo(156 * (72 / 25.4), 0.5); // the 版心's width
    expect(box, 'in front of text: no wrapping that could push the body').to.not.contain('<w10:wrap');
    expect(shape).to.contain('stroked="f"').and.contain('filled="f"');
    const reserved = anchor.xml.match(/<w:spacing w:line="(\d+)" w:lineRule="exact"\/>/);
    expect(reserved, 'the anchor paragraph has an exact height').to.not.equal(null);
    expect(Number(reserved![1]) / 20).to.be.at.least(parseFloat(style.height) + 28.95);
    // Inside: one row (no 抄送 on these reports) between a thick rule above and below, the width of the 版心, text one
    // character in from each end, 印发机关 left and 印发日期 right.
    const colophon = box.match(/<w:txbxContent>([\s\S]*)<\/w:txbxContent>/)![1];
    expect(textOf(colophon)).to.match(/^.+人大常委会办公室\d{4}年\d{1,2}月\d{1,2}日印发$/);
    expect(textOf(colophon)).to.equal(`${data.city}人大常委会办公室${parts.date}印发`);
    expect(colophon).to.match(/<w:tblBorders><w:top w:val="single"[^>]*w:sz="8"\/><w:left w:val="none"[^>]*\/><w:bottom w:val="single"[^>]*w:sz="8"\/><w:right w:val="none"[^>]*\/><w:insideH w:val="single"[^>]*w:sz="6"\/>/); // 0.35 mm thick, 0.25 mm thin
    expect(colophon.match(/<w:tr>/g)).to.have.length(1);
    expect(colophon).to.contain('<w:trHeight w:val="579" w:hRule="exact"/>'); // one line of the body's grid
    expect(colophon).to.match(/<w:tcMar><w:top [^>]*\/><w:left w:type="dxa" w:w="280"\/><w:bottom [^>]*\/><w:right w:type="dxa" w:w="280"\/><\/w:tcMar>/); // 左右各空一字 (4号)
    expect(colophon).to.contain('<w:tab/>');
    // Once in the document and in no footer: the footers carry only the page numbers.
    expect(text.match(/印发/g)).to.have.length(1);
    expect(await zip.file('word/settings.xml')!.async('string')).to.contain('evenAndOddHeaders');

    const html = await app.request('GET', `${base}/reports/quarterly/${Y}-Q2/document.html`, { token: users.organizer });
    expectStatus(html, 200);
    expect(html.text).to.contain('<h2>一、“五个全覆盖”完成情况</h2>');
    expect((html.text.match(/<figure data-chart=/g) ?? []).length).to.equal(3);
    expect(html.text).to.contain('<svg');
  });

  it('gives the report as a PDF in the official layout: head, title, numbered sections, tables, page numbers', async () => {
    const res = await fetch(`${app.url}${base}/reports/quarterly/${Y}-Q2/document.pdf`, { headers: { authorization: `Bearer ${users.organizer}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('content-disposition')).to.contain(`filename="report-quarterly-${Y}-Q2.pdf"`);
    expect(res.headers.get('content-disposition')).to.contain(`filename*=UTF-8''${encodeURIComponent(`关于${Y}年第2季度代表小组活动督查情况的报告.pdf`)}`);
    const buf = Buffer.from(await res.arrayBuffer());
    expect(buf.subarray(0, 5).toString()).to.equal('%PDF-');
    const { pages, info } = await pdfText(buf);
    expect(info.Title).to.equal(`关于${Y}年第2季度代表小组活动督查情况的报告`);
    expect(pages.length).to.be.greaterThan(1);
    const all = pages.join('');
    expect(pages[0]).to.contain('（征求意见稿）');
    expect(pages[0]).to.contain('人大常委会文件');
    expect(pages[0]).to.contain(`关于${Y}年第2季度代表小组活动督查情况的报告`);
    expect(pages[0]).to.contain('各县（市、区）人大常委会，市人大常委会各工作委员会：');
    for (const h of ['一、“五个全覆盖”完成情况', '二、各县（市、区）排名', '三、意见建议办理情况', '四、督导检查发现的问题及整改情况', '（二）整改进度', '五、宣传工作情况', '六、下一步工作要求']) {
      expect(all.replace(/\s/g, '')).to.contain(h);
    }
    expect(all.replace(/\s/g, '')).to.contain('本期发现问题2个，已整改1个，其中按期整改1个；尚未整改1个，其中逾期1个');
    expect(all).to.contain('图1 各县（市、区）综合得分排名');
    expect(all).to.contain('表2 各县（市、区）综合排名');
    // Every page carries its number, — n —; the colophon (印发) closes the last page.
    pages.forEach((p, i) => expect(p, `page ${i + 1}`).to.contain(`— ${i + 1} —`));
    expect(pages[pages.length - 1]).to.match(/人大常委会办公室.*印发/);
    // The same parts in the same order as the Word document.
    const report = (await app.request('GET', `${base}/reports/quarterly/${Y}-Q2`, { token: users.organizer })).body;
    expect(partsInOrder(pages.join('\n'), { city: report.data.city, title: report.data.title, date: documentDate(report.generatedAt) })).to.deep.equal(OFFICIAL_PARTS);
  });

  it('regenerates a draft on demand, issues it once, then freezes it; publishes it as news with its document', async () => {
    const bad = await app.request('POST', `${base}/reports/quarterly/${Y}-06/regenerate`, { token: supervisor });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.deep.equal(['params.period']);
    expectStatus(await app.request('POST', `${base}/reports/weekly/${Y}-06/regenerate`, { token: supervisor }), 400);
    expectStatus(await app.request('POST', `${base}/reports/monthly/${Y + 1}-01/regenerate`, { token: supervisor }), 400);
    expectStatus(await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/regenerate`, { token: users.organizer }), 403);
    expectStatus(await app.request('GET', `${base}/reports/monthly/${Y}-01`, { token: supervisor }), 404);
    // The current quarter may be drafted so far; it cannot be issued before it ends.
    const current = await app.request('POST', `${base}/reports/quarterly/${Y}-Q3/regenerate`, { token: supervisor });
    expectStatus(current, 200);
    expect(current.body).to.include({ status: 'draft', source: 'manual', revision: 1 });
    expect((await app.request('POST', `${base}/reports/quarterly/${Y}-Q3/issue`, { token: supervisor, body: { docNumber: '督导〔1〕1号', revision: 1 } })).body.error.code).to.equal('period_not_ended');

    const again = await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/regenerate`, { token: supervisor });
    expectStatus(again, 200);
    expect(again.body).to.include({ revision: 2, source: 'manual' });
    const stale = await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/issue`, { token: supervisor, body: { docNumber: `督导通报〔${Y}〕2号`, revision: 1 } });
    expect(stale.body.error.code).to.equal('version_conflict');
    expect(problemFields(await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/issue`, { token: supervisor, body: { docNumber: '', revision: 2 } }))).to.deep.equal(['body.docNumber']);
    expectStatus(await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/news-draft`, { token: supervisor }), 409);
    const issued = await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/issue`, { token: supervisor, body: { docNumber: `督导通报〔${Y}〕2号`, revision: 2 } });
    expectStatus(issued, 200);
    expect(issued.body).to.include({ status: 'issued', docNumber: `督导通报〔${Y}〕2号`, issuedByName: '督导组老吴' });
    expect((await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/regenerate`, { token: supervisor })).body.error.code).to.equal('report_issued');
    expect((await app.request('POST', `${base}/reports/half/${Y}-H1/issue`, { token: supervisor, body: { docNumber: `督导通报〔${Y}〕2号`, revision: 1 } })).body.error.code).to.equal('duplicate_doc_number');

    const issuedPdf = await fetch(`${app.url}${base}/reports/quarterly/${Y}-Q2/document.pdf`, { headers: { authorization: `Bearer ${supervisor}` } });
    const issuedText = (await pdfText(Buffer.from(await issuedPdf.arrayBuffer()))).pages;
    expect(issuedText[0]).to.contain(`督导通报〔${Y}〕2号`);
    expect(issuedText[0]).not.to.contain('征求意见稿');

    const before = await fetch(`${app.url}/documents/supervision/quarterly/${Y}-Q2.docx`);
    expect(before.status).to.equal(404);
    const news = await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/news-draft`, { token: supervisor });
    expectStatus(news, 201);
    const article = await app.request('GET', `/api/admin/articles/${news.body.articleId}`, { token: users.editor });
    expectStatus(article, 200);
    expect(article.body.status).to.equal('draft');
    expect(article.body.body).to.contain(`/documents/supervision/quarterly/${Y}-Q2.docx`);
    expectStatus(await app.request('POST', `${base}/reports/quarterly/${Y}-Q2/news-draft`, { token: supervisor }), 409);
    const pub = await fetch(`${app.url}/documents/supervision/quarterly/${Y}-Q2.docx`);
    expect(pub.status).to.equal(200);
    const zip = await JSZip.loadAsync(Buffer.from(await pub.arrayBuffer()));
    const issuedParas = paragraphsOf(await zip.file('word/document.xml')!.async('string'));
    const numbered = issuedParas.findIndex((p) => p.text === `督导通报〔${Y}〕2号`);
    expect(issuedParas[numbered - 1].text, '文号 right under the 发文机关标志').to.match(/人大常委会文件$/);
    expect(issuedParas[numbered].xml, 'the red line under the 文号').to.match(/<w:bottom [^>]*w:color="E60012"/);
    expect(issuedParas.some((p) => p.text.includes('征求意见稿'))).to.equal(false);
  });
});

describe('supervision reports: the PDF without its fonts', function () {
  this.timeout(300_000);
  let app: TestApp;
  after(() => app?.close());

  it('answers 503 naming the missing font setting, and still serves the Word document', async () => {
    app = await startTestApp({ name: 'supervision-reports-fonts', clock: new TestClock(NOW), env: { REPORT_FONT_BODY: '/nonexistent/FandolFang-Regular.otf' } });
    const { token } = await app.loginAs('supervisor');
    expectStatus(await app.request('POST', `/api/admin/supervision/reports/monthly/${Y}-05/regenerate`, { token }), 200);
    const res = await app.request('GET', `/api/admin/supervision/reports/monthly/${Y}-05/document.pdf`, { token });
    expectStatus(res, 503);
    expect(res.body.error.code).to.equal('pdf_fonts_missing');
    expect(res.body.error.message).to.contain('REPORT_FONT_BODY=/nonexistent/FandolFang-Regular.otf');
    expect(res.body.error.details.missing).to.deep.equal([{ variable: 'REPORT_FONT_BODY', file: '/nonexistent/FandolFang-Regular.otf' }]);
    const docx = await fetch(`${app.url}/api/admin/supervision/reports/monthly/${Y}-05/document.docx`, { headers: { authorization: `Bearer ${token}` } });
    expect(docx.status).to.equal(200);
  });
});

function documentWithCopies(): OfficialDocument {
  return {
    issuerMark: '某市人大常委会文件',
    docNumber: `督导通报〔${Y}〕3号`,
    draft: false,
    title: '关于代表小组活动督查情况的通报',
    recipients: '各县（市、区）人大常委会：',
    blocks: [{ type: 'paragraph', text: '正文。' }],
    attachments: [],
    signature: '某市人大常委会',
    date: `${Y}年7月1日`,
    colophon: { copiesTo: ['市人大常委会各工作委员会', '各县（市、区）人大代表联络站'], printer: '某市人大常委会办公室', printedOn: `${Y}年7月2日印发` },
  };
}

describe('supervision reports: the 版记 with 抄送', function () {
  this.timeout(60_000);

  it('wraps a long 抄送 in the PDF, its second line under the first name, above the 印发 row at the foot of the page', async () => {
    const pdf = await reportPdf(loadConfig({ NODE_ENV: 'test' }), documentWithCopies(), [], '某市', new Date(Date.UTC(Y, 6, 2)));
    const pages = await pdfItems(pdf);
    expect(pages).to.have.length(1);
    const items = pages[0];
    const at = (pattern: RegExp) => {
      const found = items.filter((it) => pattern.test(it.str));
      expect(found, String(pattern)).to.have.length(1);
      return found[0];
    };
    // pdf.js joins the runs of one line into one item.
    const first = at(/^抄送：/);
    const printer = at(/^某市人大常委会办公室$/);
    const printedOn = at(/印发$/);
    const copies = items.filter((it) => it.y > printer.y + 1 && it.y <= first.y + 1);
    // Every character of the 抄送 is drawn once, over two lines: 31 characters of 4号 do not fit one row.
    expect(copies.map((it) => it.str).join('')).to.equal('抄送：市人大常委会各工作委员会，各县（市、区）人大代表联络站。');
    expect(copies).to.have.length(2);
    const second = copies[1];
    const char = 14; // 4号
    expect(second.x - first.x, 'the second line under the first name, after 抄送：').to.be.closeTo(3 * char, 0.5);
    expect(first.y - second.y, 'one line of the grid').to.be.closeTo(28.95, 0.5);
    // 印发 is the row under the wrapped 抄送, at the foot of the 版心 (35 mm bottom margin), one character in from the left.
    expect(second.y - printer.y).to.be.closeTo(28.95, 0.5);
    expect(printedOn.y).to.be.closeTo(printer.y, 0.5);
    expect(printer.y).to.be.within(35 * (72 / 25.4), 35 * (72 / 25.4) + 28.95);
    expect(first.x).to.be.closeTo(28 * (72 / 25.4) + char, 0.5);
  });

  it('puts 抄送 and 印发 in two rows of the box at the foot of the last page, a thin rule between, and reserves room for both', async () => {
    const m = documentWithCopies();
    const zip = await JSZip.loadAsync(await reportDocx(m, [], '某市'));
    const xml = await zip.file('word/document.xml')!.async('string');
    const box = xml.match(/<w:pict>[\s\S]*?<\/w:pict>/g)!;
    expect(box).to.have.length(1);
    const rows = [...box[0].matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((r) => textOf(r[0]));
    expect(rows).to.deep.equal(['抄送：市人大常委会各工作委员会，各县（市、区）人大代表联络站。', `某市人大常委会办公室${Y}年7月2日印发`]);
    expect(box[0]).to.match(/<w:insideH w:val="single"[^>]*w:sz="6"\/>/); // the thin rule between the rows
    // 31 characters of 4号 are wider than the row: the 抄送 row takes two lines, the second under the first name.
    const heights = [...box[0].matchAll(/<w:trHeight w:val="(\d+)" w:hRule="exact"\/>/g)].map((h) => Number(h[1]));
    expect(heights).to.deep.equal([2 * 579, 579]);
    expect(box[0]).to.match(/<w:ind w:left="840" w:hanging="840"\/>/);
    const height = parseFloat(box[0].match(/;height:([\d.]+)pt/)![1]);
    expect(height).to.be.at.least(3 * 28.95);
    const anchor = xml.match(/<w:p><w:pPr><w:spacing w:line="(\d+)" w:lineRule="exact"\/><\/w:pPr><w:r><w:pict>/)!;
    expect(Number(anchor[1]) / 20).to.be.at.least(height + 28.95);
    expect(xml).to.match(/<\/w:pict><\/w:r><\/w:p><w:sectPr>/);
    expect(textOf(xml).match(/抄送/g)).to.have.length(1);
  });
});
