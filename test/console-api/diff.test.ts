import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('GET /api/admin/{kind}/:id/diff', () => {
  let app: TestApp;
  let editor: string;
  let reviewer: string;
  let organizer: string;
  let id: string;

  const save = async (changes: Record<string, unknown>) => {
    const current = (await app.request('GET', `/api/admin/articles/${id}`, { token: editor })).body;
    const res = await app.request('PATCH', `/api/admin/articles/${id}`, { token: editor, body: { version: current.version, ...changes } });
    expect(res.status, res.text).to.equal(200);
    return res.body.version as number;
  };
  const diff = (query = '', token = editor) => app.request('GET', `/api/admin/articles/${id}/diff${query}`, { token });

  before(async () => {
    app = await startTestApp({ name: 'console-diff' });
    [editor, reviewer, organizer] = (await Promise.all([app.loginAs('editor'), app.loginAs('reviewer'), app.loginAs('organizer')])).map((u) => u.token);
    const created = await app.request('POST', '/api/admin/articles', {
      token: editor,
      body: { title: '代表走访三个村', body: '第一段：代表们走访了三个村。\n\n第二段：听取意见。\n', topics: ['乡村振兴'] },
    });
    id = created.body.id;
  });
  after(() => app.close());

  it('says there is no approved version yet', async () => {
    const res = await diff('?against=approved');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('no_approved_version');
  });

  it('diffs the current version against the previous one: changed lines with the words that changed', async () => {
    await save({ body: '第一段：代表们走访了五个村。\n\n第二段：听取意见。\n\n第三段：形成建议。\n', topics: ['乡村振兴', '民生实事'] });
    const res = await diff();
    expect(res.status, res.text).to.equal(200);
    expect(res.body.from.version).to.equal(1);
    expect(res.body.to.version).to.equal(2);
    expect(res.body.changed).to.deep.equal(['body', 'topics']);
    const body = res.body.fields.find((f: any) => f.field === 'body');
    expect(body).to.include({ type: 'text', changed: true, added: 3, removed: 1 });
    const deleted = body.lines.find((l: any) => l.op === 'delete');
    expect(deleted.text).to.equal('第一段：代表们走访了三个村。');
    expect(deleted.words.filter((w: any) => w.op === 'delete').map((w: any) => w.text).join('')).to.include('三');
    const inserted = body.lines.filter((l: any) => l.op === 'insert').map((l: any) => l.text);
    expect(inserted).to.deep.equal(['第一段：代表们走访了五个村。', '', '第三段：形成建议。']);
    expect(body.lines.filter((l: any) => l.op === 'equal').map((l: any) => l.text)).to.include('第二段：听取意见。');
    const topics = res.body.fields.find((f: any) => f.field === 'topics');
    expect(topics).to.deep.equal({ field: 'topics', type: 'value', changed: true, before: ['乡村振兴'], after: ['乡村振兴', '民生实事'] });
    const title = res.body.fields.find((f: any) => f.field === 'title');
    expect(title).to.include({ changed: false });
    expect(res.body.fields.map((f: any) => f.field)).not.to.include('regionKeys');
  });

  it('diffs against the version the reviewer last approved', async () => {
    await app.request('POST', `/api/admin/articles/${id}/submit`, { token: editor });
    const approved = await app.request('POST', `/api/admin/articles/${id}/approve`, { token: reviewer });
    expect(approved.status, approved.text).to.equal(200);
    const approvedVersion = approved.body.version;
    await save({ title: '代表走访五个村' });
    const last = await save({ body: '全新的正文。\n' });
    const res = await diff('?against=approved', reviewer);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.from.version).to.equal(approvedVersion);
    expect(res.body.to.version).to.equal(last);
    expect(res.body.changed).to.deep.equal(['title', 'body']);
    const title = res.body.fields.find((f: any) => f.field === 'title');
    expect(title.lines.map((l: any) => [l.op, l.words.map((w: any) => `${w.op}:${w.text}`).join('|')])).to.deep.equal([
      ['delete', 'equal:代表走访|delete:三|equal:个村'],
      ['insert', 'equal:代表走访|insert:五|equal:个村'],
    ]);
  });

  it('diffs any two versions, and validates the request', async () => {
    const res = await diff('?from=1&to=2', organizer);
    expect(res.status).to.equal(200);
    expect(res.body.changed).to.deep.equal(['body', 'topics']);
    expect((await diff('?from=99')).status).to.equal(404);
    const bad = await diff('?from=0');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('query.from');
    expect((await diff('?against=approved&from=1')).status).to.equal(400);
    expect((await diff('?against=yesterday')).status).to.equal(400);
    expect((await app.request('GET', `/api/admin/articles/${id}/diff`)).status).to.equal(401);
  });
});
