/** The editor's day in the console: sign in, the start page, write a news article with an image, submit it. */
import { expect } from 'chai';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startConsoleEnv, shoot, expectNoProblems, type ConsoleEnv } from './support';

describe('console: editor', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_editor');
  });
  after(async () => {
    await env?.close();
  });

  it('writes a news article with an uploaded image, previews it and submits it for review', async () => {
    const page = await env.signIn('editor');
    await page.getByRole('heading', { name: /编辑小王/ }).waitFor();
    await shoot(page, 'editor-home');

    await page.getByRole('button', { name: '写新闻' }).click();
    await page.getByLabel('标题', { exact: true }).fill('代表进社区 倾听民声');
    await page.locator('#f-body').fill('## 走进社区\n\n代表们走进社区，面对面听取群众意见。\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'console-img-'));
    const file = path.join(dir, '社区座谈.png');
    writeFileSync(file, await sharp({ create: { width: 320, height: 200, channels: 3, background: '#c0392b' } }).png().toBuffer());
    await page.getByTestId('md-image-input').setInputFiles(file);
    await page.waitForFunction(() => (document.querySelector('#f-body') as HTMLTextAreaElement)?.value.includes('](/media/'));
    await shoot(page, 'editor-edit');
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.locator('.el-tag', { hasText: '待审核' }).first().waitFor();
    await shoot(page, 'editor-submitted');
  });
});
