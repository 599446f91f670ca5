import { expect } from 'chai';
import JSZip from 'jszip';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { article, createPartner, deputy, expectStatus, issueKey, uploadImage, type UploadedImage } from './support';

async function download(app: TestApp, path: string, options: { token?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${app.url}${path}`, { headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('partners: press kit per item', () => {
  let app: TestApp;
  let editor: string;
  let cover: UploadedImage;
  let inline: UploadedImage;
  let itemId: string;
  let key: string;

  before(async () => {
    const clock = new TestClock(testDate('08-05T02:00:00Z'));
    app = await startTestApp({ name: 'partners_press_kit', clock });
    editor = (await app.loginAs('editor')).token;
    cover = await uploadImage(app, editor, 2000, 1400, '代表走访', 70);
    inline = await uploadImage(app, editor, 1600, 1000, '', 150);
    const published = await deputy('王建国');
    const unpublished = await deputy('未公开代表', false);
    itemId = await article({
      title: '青山镇代表小组的一年',
      byline: '记者 刘洋',
      topics: ['基层治理'],
      coverMediaId: cover.id,
      relatedDeputyIds: [published, unpublished],
      body: `## 一年来\n\n代表小组**走访**农户 300 户。\n\n- 修路 2 条\n- 建站 1 个\n\n![村民议事会](${inline.urls.cover} "摄影：赵敏")\n`,
      publishedAt: clock.now(),
    });
    const partner = await createPartner(app, (await app.loginAs('reviewer')).token, { name: '海州日报', takes: { kinds: ['article'], topics: ['基层治理'] } });
    key = await issueKey(app, (await app.loginAs('admin')).token, partner.id);
  });
  after(() => app.close());

  it('zips the article as .docx and Markdown, the original images, captions and the linked published deputies', async () => {
    const res = await download(app, `/api/admin/press-kits/article/${itemId}`, { token: editor });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/zip');
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).to.include('新闻稿-青山镇代表小组的一年-新闻素材包.zip');
    const zip = await JSZip.loadAsync(res.bytes);
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir).sort();
    expect(names).to.have.length(6);
    expect(names.slice(0, 3)).to.deep.equal(['article.docx', 'article.md', 'captions.txt']);
    expect(names.filter((n) => n.startsWith('deputies/'))).to.have.length(1);
    expect(names.filter((n) => n.startsWith('images/'))).to.deep.equal(['images/01-cover.jpg', 'images/02-body.jpg']);

    // Images at original size: byte for byte the stored originals.
    const stored = async (p: string) => Buffer.from(await (await fetch(`${app.url}${p}`)).arrayBuffer());
    expect((await zip.file('images/01-cover.jpg')!.async('nodebuffer')).equals(await stored(cover.urls.original))).to.equal(true);
    expect((await zip.file('images/02-body.jpg')!.async('nodebuffer')).equals(await stored(inline.urls.original))).to.equal(true);

    const captions = await zip.file('captions.txt')!.async('string');
    expect(captions).to.include('images/01-cover.jpg（题图）');
    expect(captions).to.include('说明：代表走访');
    expect(captions).to.include('说明：村民议事会');
    expect(captions).to.include('署名：摄影：赵敏');
    expect(captions).to.include('原图尺寸：1600×1000');

    const md = await zip.file('article.md')!.async('string');
    expect(md).to.match(/^---\ntitle: "青山镇代表小组的一年"\n/);
    expect(md).to.include('byline: "记者 刘洋"');
    expect(md).to.include('![村民议事会](images/02-body.jpg "摄影：赵敏")');

    // The .docx is a real Word document: unpack it and read the text of its body.
    const docx = await JSZip.loadAsync(await zip.file('article.docx')!.async('nodebuffer'));
    const xml = await docx.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).to.include('青山镇代表小组的一年');
    expect(text).to.include('记者 刘洋');
    expect(text).to.include('一年来');
    expect(text).to.include('走访');
    expect(text).to.include('• 修路 2 条');
    expect(text).to.include('【图片：村民议事会，摄影：赵敏】');
    expect(xml).to.include('<w:b/>'); // **走访** stays bold

    const profile = await zip.file(names.find((n) => n.startsWith('deputies/'))!)!.async('string');
    expect(profile).to.include('# 王建国');
    expect(profile).to.include('县级人大代表');
    expect(profile).to.include('履职年限：20 年');
    expect(profile).to.not.include('13900000001');
    expect(names.join()).to.not.include('未公开');
  });

  it('a partner downloads kits of items it takes with its key; others are 404, no key 401', async () => {
    const ok = await download(app, `/api/partner/press-kits/article/${itemId}`, { headers: { 'x-partner-key': key } });
    expect(ok.status).to.equal(200);
    expect(Object.keys((await JSZip.loadAsync(ok.bytes)).files)).to.include('article.docx');
    const other = await article({ title: '其他主题稿件', topics: ['乡村振兴'] });
    expect((await download(app, `/api/partner/press-kits/article/${other}`, { headers: { 'x-partner-key': key } })).status).to.equal(404);
    expect((await download(app, `/api/partner/press-kits/article/${itemId}`)).status).to.equal(401);
    const draft = await article({ title: '未发布稿件', topics: ['基层治理'], status: 'approved' });
    expectStatus(await app.request('GET', `/api/admin/press-kits/article/${draft}`, { token: editor }), 404);
    expectStatus(await app.request('GET', `/api/admin/press-kits/meeting/${draft}`, { token: editor }), 400);
  });
});
