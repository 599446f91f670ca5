/**
 * A news article's whole way through the console, in Chromium against the real app and the fake WeChat and SMS
 * providers: the editor writes it with an uploaded image and submits it; the reviewer returns it with a comment;
 * the editor sees the comment, fixes it and resubmits; the reviewer approves it and schedules it (Beijing time) to
 * the microsite, the official account and SMS; when its time comes (the app's clock) the delivery runs and the
 * console shows every channel done.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { DUE_JOB } from '../../src/publishing/jobs';
import { deputies, waitFor } from '../publishing/support/fixtures';
import { beijingWallClock, expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

describe('console: an article from draft to delivered', function () {
  this.timeout(180_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_workflow');
    await deputies(3, { level: 'county', region: { city: '海州市', county: '东湖区' }, from: 500 });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
  });

  it('is written, returned, fixed, approved, scheduled to every channel and delivered', async () => {
    // ── The editor writes it.
    const editor = await env.signIn('editor');
    await editor.getByRole('heading', { name: /编辑小王/ }).waitFor();
    await shoot(editor, 'home-editor');
    await editor.getByRole('button', { name: '写新闻' }).click();
    await editor.getByLabel('标题', { exact: true }).fill('代表进社区 倾听民声');
    await editor.locator('#f-body').fill('## 走进社区\n\n代表们走进社区，面对面听取群众意见。\n');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'console-img-')), '社区座谈.png');
    writeFileSync(file, await sharp({ create: { width: 320, height: 200, channels: 3, background: '#c0392b' } }).png().toBuffer());
    await editor.getByTestId('md-image-input').setInputFiles(file);
    await waitFor('the uploaded image in the Markdown', async () => (await editor.locator('#f-body').inputValue()).includes('](/media/'), 30_000, 200);
    // The preview is the server's own rendering: the microsite page, and the WeChat article in the second tab.
    const site = editor.frameLocator('[data-testid="preview-microsite"]');
    await site.getByText('代表们走进社区，面对面听取群众意见。').waitFor();
    await site.locator('img[src*="/media/"]').waitFor({ state: 'attached' });
    await shoot(editor, 'article-edit');
    await editor.locator('.preview-head').getByText('微信图文').click();
    await editor.frameLocator('[data-testid="preview-wechat"]').getByText('代表们走进社区').first().waitFor();
    await shoot(editor, 'article-preview-wechat');
    await editor.getByRole('button', { name: '提交审核' }).click();
    await editor.locator('.head .el-tag', { hasText: '待审核' }).waitFor();
    const articleUrl = editor.url();
    const articleId = articleUrl.split('/').pop()!;

    // ── The reviewer returns it with a comment.
    const reviewer = await env.signIn('reviewer');
    // The start page lists it under "waiting for my review"; the queue has it too.
    await reviewer.getByTestId('work-review').getByRole('link', { name: '代表进社区 倾听民声' }).waitFor();
    await shoot(reviewer, 'home-reviewer');
    await reviewer.getByTestId('work-review').getByRole('link', { name: '查看全部' }).click();
    await shoot(reviewer, 'review-queue');
    await reviewer.getByRole('link', { name: '代表进社区 倾听民声' }).click();
    await reviewer.getByText('这是首次送审').waitFor();
    await shoot(reviewer, 'review-item');
    await reviewer.getByRole('button', { name: '退回修改' }).click();
    await reviewer.getByText('退回时请写明需要修改的地方').waitFor();
    await reviewer.getByLabel('意见（退回时必填）').fill('请补充活动时间和参加代表人数');
    await reviewer.getByRole('button', { name: '退回修改' }).click();
    await reviewer.waitForURL(/\/admin\/review$/);

    // ── The editor sees the comment, fixes the article and submits it again.
    await editor.goto(articleUrl);
    await editor.getByTestId('returned').getByText('请补充活动时间和参加代表人数').waitFor();
    await shoot(editor, 'article-returned');
    await editor.locator('#f-body').fill('## 走进社区\n\n3 月 8 日，12 名代表走进社区，面对面听取群众意见。\n');
    await editor.getByRole('button', { name: '提交审核' }).click();
    await editor.locator('.head .el-tag', { hasText: '待审核' }).waitFor();

    // ── The reviewer approves it and schedules it to every channel, in Beijing time.
    await reviewer.goto(`${env.app.url}/admin/review/articles/${articleId}`);
    await reviewer.getByRole('button', { name: '审核通过' }).click();
    await reviewer.waitForURL(/\/admin\/publish\/articles\//);
    const due = new Date(env.clock.now().getTime() + 26 * 3_600_000);
    const dueText = beijingWallClock(due);
    await reviewer.getByText('定时发布').click();
    const picker = reviewer.locator('#pub-at');
    await picker.fill(dueText);
    await picker.press('Enter');
    await reviewer.getByTestId('dry-run').click(); // closes the picker
    // Before sending: how many get the SMS, and its exact text.
    await reviewer.getByTestId('sms-recipients').getByText('3', { exact: true }).waitFor();
    expect(await reviewer.getByTestId('sms-text').textContent()).to.include('代表进社区 倾听民声');
    await shoot(reviewer, 'publish');
    await reviewer.getByTestId('publish-submit').click();
    await reviewer.waitForURL(/\/admin\/publications\//);
    await reviewer.getByTestId('publication-status').getByText('已排期').waitFor();
    expect(await reviewer.locator('.el-descriptions').textContent()).to.include(dueText);
    await shoot(reviewer, 'publication-scheduled');

    // ── Its time comes (the app's clock), the worker delivers; the page follows live.
    env.clock.set(due.getTime() + 60_000);
    await env.app.service.services.scheduler.runNow(DUE_JOB);
    const publicationId = reviewer.url().split('/').pop()!;
    const wechatPending = await waitFor('wechat publish job', async () => {
      const v = (await env.app.request('GET', `/api/admin/publications/${publicationId}`, { token: (await env.app.loginAs('admin')).token })).body;
      return v.deliveries?.find((d: { channel: string; status: string }) => d.channel === 'wechat' && d.status === 'pending');
    }, 30_000, 300);
    env.app.service.services.events.emit('wechat.jobFinished', {
      event: 'PUBLISHJOBFINISH',
      publishId: wechatPending.providerIds.publish_id,
      status: '0',
      articleUrl: 'https://mp.weixin.qq.com/s/console-test',
      raw: {},
    });
    await reviewer.getByTestId('publication-status').getByText('已完成').waitFor({ timeout: 30_000 });
    for (const channel of ['microsite', 'wechat', 'sms']) {
      expect(await reviewer.getByTestId(`channel-${channel}`).locator('.el-tag').first().textContent(), channel).to.include('已发送');
    }
    expect(env.sms.state.numbers, 'SMS to the three deputies').to.have.length(3);
    await shoot(reviewer, 'publication-delivered');
    expectNoProblems(editor);
    expectNoProblems(reviewer, [/\/api\/admin\/preview/, /publish\/dry-run/, /\/api\/admin\/(regions|topics|people)/]);
  });
});
