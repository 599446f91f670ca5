import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { getPublishedById } from '../../src/content/public-queries';
import { expectStatus } from './support';

function form(bytes: Buffer, filename: string, type: string, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  return fd;
}

describe('content: media upload', () => {
  let app: TestApp;
  let editor: string;
  let reviewer: string;
  let organizer: string;
  let photo: Buffer;
  before(async () => {
    // 0.1 MB limit so the "too large" case needs only a small file.
    app = await startTestApp({ name: 'content_media', env: { MEDIA_MAX_MB: '0.1' } });
    [editor, reviewer, organizer] = (await Promise.all([app.loginAs('editor'), app.loginAs('reviewer'), app.loginAs('organizer')])).map((u) => u.token);
    photo = await sharp({ create: { width: 1600, height: 800, channels: 3, background: { r: 30, g: 120, b: 60 } } }).jpeg().toBuffer();
  });
  after(() => app.close());

  const upload = (body: FormData, token = editor) => app.request('POST', '/api/admin/media', { token, rawBody: body });

  it('stores an original and list/cover variants, served with long cache headers', async () => {
    const res = await upload(form(photo, 'farm.jpg', 'image/jpeg', { alt: '生态农场' }));
    expectStatus(res, 201);
    expect(res.body).to.include({ format: 'jpeg', width: 1600, height: 800, alt: '生态农场', originalName: 'farm.jpg' });
    const widths = Object.fromEntries(res.body.variants.map((v: any) => [v.name, v.width]));
    expect(widths).to.deep.equal({ original: 1600, cover: 1080, list: 480 });
    const file = await fetch(`${app.url}${res.body.urls.list}`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/jpeg');
    expect(file.headers.get('cache-control')).to.contain('immutable');
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect(meta.width).to.equal(480);

    const again = await upload(form(photo, 'copy.jpg', 'image/jpeg'));
    expectStatus(again, 201);
    expect(again.body.id).to.equal(res.body.id);
  });

  it('judges the type by the bytes, not the name or declared type', async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 4, background: '#ff0000' } }).png().toBuffer();
    const renamed = await upload(form(png, 'notes.txt', 'text/plain'));
    expectStatus(renamed, 201);
    expect(renamed.body).to.include({ format: 'png', contentType: 'image/png' });
    expect(renamed.body.variants.find((v: any) => v.name === 'cover').width).to.equal(20); // never upscaled

    const fake = await upload(form(Buffer.from('hello, I am text pretending to be a picture'), 'photo.png', 'image/png'));
    expectStatus(fake, 415);
    expect(fake.body.error.code).to.equal('unsupported_media_type');

    const svg = await upload(form(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10"/>'), 'x.svg', 'image/svg+xml'));
    expectStatus(svg, 415);
  });

  it('answers 400 for a truncated JPEG or a corrupt PNG, and stores nothing', async () => {
    const before = (await app.request('GET', '/api/admin/media', { token: editor })).body.total;
    const truncated = photo.subarray(0, Math.floor(photo.length * 0.6));
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const brokenHeader = Buffer.from(png);
    brokenHeader.fill(0x41, 12, 30); // IHDR overwritten: recognisably a PNG, but unreadable
    const brokenData = Buffer.from(png);
    const idat = brokenData.indexOf('IDAT');
    brokenData.fill(0x00, idat + 6, idat + 20); // compressed pixel data damaged (CRC no longer matches)
    const cases = [
      [truncated, 'cut.jpg', 'image/jpeg'],
      [brokenHeader, 'broken-header.png', 'image/png'],
      [brokenData, 'broken-data.png', 'image/png'],
    ] as const;
    for (const [bytes, name, type] of cases) {
      const res = await upload(form(bytes, name, type));
      expect(res.status, name).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_image');
    }
    expect((await app.request('GET', '/api/admin/media', { token: editor })).body.total).to.equal(before);
  });

  it('refuses files over the size limit with 413', async () => {
    const noise = await sharp(randomBytes(300 * 300 * 3), { raw: { width: 300, height: 300, channels: 3 } }).png().toBuffer();
    expect(noise.length).to.be.greaterThan(app.config.mediaMaxBytes);
    const res = await upload(form(noise, 'big.png', 'image/png'));
    expectStatus(res, 413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('refuses requests without a file, unknown fields, JSON bodies and read-only roles', async () => {
    const none = new FormData();
    none.append('alt', 'x');
    expectStatus(await upload(none), 400);
    expectStatus(await upload(form(photo, 'a.jpg', 'image/jpeg', { colour: 'red' })), 400);
    const json = await app.request('POST', '/api/admin/media', { token: editor, body: { file: 'x' } });
    expectStatus(json, 415);
    expectStatus(await upload(form(photo, 'a.jpg', 'image/jpeg'), organizer), 403);
  });

  it('serves no file outside the media directory', async () => {
    for (const p of ['/media/..%2F..%2Fetc%2Fpasswd', '/media/%2e%2e%2fpackage.json', '/media/abc.jpg', '/media/0123456789abcdef0123-original.jpg']) {
      const res = await fetch(`${app.url}${p}`);
      expect(res.status, p).to.equal(404);
    }
  });

  it('gives items cover images and the pipeline a local cover file', async () => {
    const media = (await upload(form(photo, 'farm.jpg', 'image/jpeg'))).body;
    const article = await app.request('POST', '/api/admin/articles', { token: editor, body: { title: '带图新闻', coverMediaId: media.id, body: `![图](${media.urls.cover})` } });
    expectStatus(article, 201);
    await app.request('POST', `/api/admin/articles/${article.body.id}/submit`, { token: editor });
    await app.request('POST', `/api/admin/articles/${article.body.id}/approve`, { token: reviewer });
    await hooks.markPublished('article', article.body.id);
    const pub = await getPublishedById('article', article.body.id);
    expect(pub!.cover).to.deep.include({ cover: media.urls.cover, list: media.urls.list, width: 1600 });
    const content = await hooks.toPublishableContent('article', article.body.id, app.config.publicBaseUrl);
    expect(content.coverImagePath).to.match(/-cover\.jpg$/);
    expect(content.coverImagePath!.startsWith(app.dataDir)).to.equal(true);
    expect(content.resolveImagePath!(`${app.config.publicBaseUrl}${media.urls.cover}`)).to.equal(content.coverImagePath);
    expect(content.resolveImagePath!('https://elsewhere.example/a.jpg')).to.equal(undefined);
    // Only names the media store itself hands out resolve to files: nothing else under its directory.
    expect(content.resolveImagePath!('/media/package.json')).to.equal(undefined);
    expect(content.resolveImagePath!('/media/abc.jpg')).to.equal(undefined);
  });
});
