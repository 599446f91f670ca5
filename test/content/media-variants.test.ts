/**
 * AVIF/WebP copies and image descriptions: an upload answers with its own sizes and gets AVIF and WebP copies of the
 * list and cover sizes in the background; pages then offer them in <picture> before the JPEG; older images get
 * theirs from `npm run media:variants`. Caption (图注) and credit (摄影/来源) are edited through the API and shown
 * under the image, with the alt text kept on the image.
 */
import { expect } from 'chai';
import path from 'node:path';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../support/app';
import { Media } from '../../src/content/models/media';
import { seed } from '../site/support';
import { waitFor } from '../publishing/support/fixtures';
import { expectStatus } from './support';
import { exitOf, spawnTs } from '../support/process';

/** Runs `npm run media:variants` against the app's database and media (asynchronously: the test engine runs in this process). */
async function runMediaVariants(app: TestApp): Promise<{ status: number | null; output: string }> {
  const child = spawnTs(path.resolve(__dirname, '../../scripts/media-variants.ts'), { NODE_ENV: 'test', MONGODB_URI: app.config.mongodbUri!, DATA_DIR: app.dataDir, LOG_LEVEL: 'silent' });
  const status = await exitOf(child);
  return { status, output: child.output() };
}

function form(bytes: Buffer, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  return fd;
}

const photo = (r: number) => sharp({ create: { width: 1400, height: 800, channels: 3, background: { r, g: 90, b: 60 } } }).jpeg().toBuffer();
const names = (m: { variants: { name: string }[] }) => m.variants.map((v) => v.name).sort();

describe('content: AVIF/WebP copies, captions and credits', function () {
  this.timeout(120_000);
  let app: TestApp;
  let editor: string;
  before(async () => {
    app = await startTestApp({ name: 'media_variants' });
    editor = (await app.loginAs('editor')).token;
  });
  after(() => app.close());

  const media = async (id: string) => (await app.request('GET', `/api/admin/media/${id}`, { token: editor })).body;
  const withCopies = (id: string) => waitFor('AVIF/WebP copies', async () => ((await media(id)).variants.length === 7 ? media(id) : undefined), 60_000, 200);

  it('makes AVIF and WebP copies of both sizes after the upload, and pages offer them before the JPEG', async () => {
    const up = await app.request('POST', '/api/admin/media', {
      token: editor,
      rawBody: form(await photo(180), { alt: '代表在田间察看秧苗长势', caption: '代表们在示范基地了解春耕进度', credit: '李明' }),
    });
    expectStatus(up, 201);
    expect(up.body).to.include({ alt: '代表在田间察看秧苗长势', caption: '代表们在示范基地了解春耕进度', credit: '李明', creditKind: 'photo', creditLabel: '摄影' });
    const done = await withCopies(up.body.id);
    expect(names(done)).to.deep.equal(['cover', 'cover-avif', 'cover-webp', 'list', 'list-avif', 'list-webp', 'original']);
    const byName = Object.fromEntries(done.variants.map((v: any) => [v.name, v]));
    expect(byName['cover-avif']).to.include({ width: 1080, contentType: 'image/avif' });
    expect(byName['list-webp']).to.include({ width: 480, contentType: 'image/webp' });
    expect(byName['cover-avif'].bytes).to.be.below(byName.cover.bytes);
    const file = await fetch(`${app.url}${done.urls.avif.list}`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/avif');
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).format).to.equal('heif');

    const article = await seed(app, 'article', { title: '春耕时节代表在一线', body: '代表们走进田间地头。', coverMediaId: up.body.id });
    const html = (await app.request('GET', `/news/${article.slug}`)).text;
    const figure = /<figure class="cover">([\s\S]*?)<\/figure>/.exec(html)![1];
    expect(figure).to.match(/^<picture><source type="image\/avif" srcset="\/media\/[0-9a-f]+-list\.avif 480w, \/media\/[0-9a-f]+-cover\.avif 1080w" sizes="[^"]+"><source type="image\/webp" srcset="[^"]+-list\.webp 480w, [^"]+-cover\.webp 1080w" sizes="[^"]+"><img /);
    expect(figure).to.match(/<img [^>]*srcset="[^"]+-list\.jpg 480w, [^"]+-cover\.jpg 1080w"[^>]*alt="代表在田间察看秧苗长势"/);
    expect(figure).to.include('<figcaption>代表们在示范基地了解春耕进度<span class="credit">摄影：李明</span></figcaption>');
  });

  it('edits caption and credit through the API; the pages showing the image change at once', async () => {
    const up = await app.request('POST', '/api/admin/media', { token: editor, rawBody: form(await photo(60), { alt: '调研座谈会现场' }) });
    expectStatus(up, 201);
    const article = await seed(app, 'article', { title: '代表开展专题调研', body: '调研。', coverMediaId: up.body.id });
    const before = (await app.request('GET', `/news/${article.slug}`)).text; // cached now
    expect(before).to.not.include('<figcaption>');
    expect((await app.request('GET', '/news')).status).to.equal(200);

    const edit = await app.request('PATCH', `/api/admin/media/${up.body.id}`, { token: editor, body: { caption: '区人大代表在座谈会上发言', credit: '东湖区融媒体中心', creditKind: 'source' } });
    expectStatus(edit, 200);
    expect(edit.body).to.include({ alt: '调研座谈会现场', caption: '区人大代表在座谈会上发言', credit: '东湖区融媒体中心', creditLabel: '来源' });
    const after = (await app.request('GET', `/news/${article.slug}`)).text;
    expect(after).to.include('<figcaption>区人大代表在座谈会上发言<span class="credit">来源：东湖区融媒体中心</span></figcaption>');
    expect(after).to.include('alt="调研座谈会现场"');

    const bad = await app.request('PATCH', `/api/admin/media/${up.body.id}`, { token: editor, body: { credit: 'x'.repeat(61), creditKind: 'painter' } });
    expectStatus(bad, 400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.include.members(['body.credit', 'body.creditKind']);
    expectStatus(await app.request('PATCH', `/api/admin/media/${up.body.id}`, { token: editor, body: {} }), 400);
    expectStatus(await app.request('PATCH', '/api/admin/media/0123456789abcdef01234567', { token: editor, body: { caption: 'x' } }), 404);
    const organizer = (await app.loginAs('organizer')).token;
    expectStatus(await app.request('PATCH', `/api/admin/media/${up.body.id}`, { token: organizer, body: { caption: 'x' } }), 403);
    expect((await media(up.body.id)).credit).to.equal('东湖区融媒体中心');
  });

  it('`npm run media:variants` gives older images (stored before the copies existed) their AVIF/WebP copies', async () => {
    const up = await app.request('POST', '/api/admin/media', { token: editor, rawBody: form(await photo(20)) });
    expectStatus(up, 201);
    await withCopies(up.body.id);
    // As an image stored before this change: only its own sizes.
    await Media.updateOne({ _id: up.body.id }, { $pull: { variants: { name: { $in: ['cover-avif', 'list-avif', 'cover-webp', 'list-webp'] } } } });
    expect(names(await media(up.body.id))).to.deep.equal(['cover', 'list', 'original']);

    const run = await runMediaVariants(app);
    expect(run.status, run.output).to.equal(0);
    expect(run.output).to.match(/^1 image\(s\) without AVIF\/WebP copies/);
    expect(run.output).to.include('4 file(s) added');
    expect(names(await media(up.body.id))).to.have.length(7);
    const again = await runMediaVariants(app);
    expect(again.output).to.match(/^0 image\(s\) without/);
  });
});
