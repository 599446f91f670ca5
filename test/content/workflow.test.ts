import { expect } from 'chai';
import type { TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { Revision } from '../../src/content/models/history';
import type { DomainEvents } from '../../src/events';
import { expectStatus, startContentApp, type Users } from './support';

describe('content: review workflow, revisions and deletion', () => {
  let app: TestApp;
  let users: Users;
  const changes: DomainEvents['item.changed'][] = [];
  before(async () => {
    ({ app, users } = await startContentApp('content_workflow'));
    app.service.services.events.on('item.changed', (e) => {
      changes.push(e);
    });
  });
  after(() => app.close());

  const base = '/api/admin/cases';
  const newCase = async (title: string) => {
    const res = await app.request('POST', base, { token: users.editor, body: { title, caseKind: 'group_activity', body: '正文' } });
    expectStatus(res, 201);
    return res.body as { id: string; slug: string };
  };
  const act = (id: string, action: string, token: string, body?: unknown) => app.request('POST', `${base}/${id}/${action}`, { token, body });
  const status = async (id: string) => (await app.request('GET', `${base}/${id}`, { token: users.organizer })).body.status as string;

  it('goes draft → in_review → approved → published → withdrawn → archived, recording every step', async () => {
    const c = await newCase('代表小组活动模式');
    expectStatus(await act(c.id, 'submit', users.editor), 200);
    expect(await status(c.id)).to.equal('in_review');
    expectStatus(await act(c.id, 'approve', users.reviewer, { comment: '同意' }), 200);
    expect(await status(c.id)).to.equal('approved');
    const live = await hooks.markPublished('case', c.id, new Date('2026-03-01T02:00:00Z'));
    expect(live).to.include({ status: 'published' });
    expect(live.publishedAt?.toISOString()).to.equal('2026-03-01T02:00:00.000Z');
    expectStatus(await act(c.id, 'withdraw', users.reviewer), 200);
    expectStatus(await act(c.id, 'archive', users.reviewer), 200);

    const history = await app.request('GET', `${base}/${c.id}/transitions`, { token: users.organizer });
    expectStatus(history, 200);
    expect(history.body.items.map((t: any) => [t.action, t.from, t.to])).to.deep.equal([
      ['create', null, 'draft'],
      ['submit', 'draft', 'in_review'],
      ['approve', 'in_review', 'approved'],
      ['publish', 'approved', 'published'],
      ['withdraw', 'published', 'withdrawn'],
      ['archive', 'withdrawn', 'archived'],
    ]);
    const approve = history.body.items[2];
    expect(approve).to.include({ by: users.ids.reviewer, byName: '审核老李', comment: '同意' });
    expect(history.body.items[3].by).to.equal(null);
    expect(changes.filter((e) => e.id === c.id).map((e) => e.reason)).to.deep.equal(['published', 'withdrawn']);
  });

  it('refuses steps by the wrong role and steps from the wrong status', async () => {
    const c = await newCase('权限检查');
    expectStatus(await act(c.id, 'approve', users.reviewer), 409); // still a draft
    expectStatus(await act(c.id, 'submit', users.reviewer), 403);
    expectStatus(await act(c.id, 'submit', users.organizer), 403);
    expectStatus(await act(c.id, 'submit', users.editor), 200);
    expectStatus(await act(c.id, 'submit', users.editor), 409);
    expectStatus(await act(c.id, 'approve', users.editor2), 403);
    expectStatus(await act(c.id, 'approve', users.organizer), 403);
    const wrong = await act(c.id, 'withdraw', users.reviewer);
    expectStatus(wrong, 409);
    expect(wrong.body.error.code).to.equal('invalid_transition');
    expectStatus(await act(c.id, 'approve', users.admin), 200);
    expectStatus(await act(c.id, 'withdraw', users.editor), 403);
    await hooks.markPublished('case', c.id);
    await hooks.markPublished('case', c.id); // re-publishing to more channels changes nothing
    expectStatus(await act(c.id, 'withdraw', users.reviewer, { comment: '数据待核实' }), 200);
  });

  it('does not let anyone approve their own submission, admins included', async () => {
    const res = await app.request('POST', base, { token: users.admin, body: { title: '自审', caseKind: 'standing_committee' } });
    expectStatus(await act(res.body.id, 'submit', users.admin), 200);
    const self = await act(res.body.id, 'approve', users.admin);
    expectStatus(self, 403);
    expect(self.body.error.code).to.equal('self_approval');
    expectStatus(await act(res.body.id, 'approve', users.reviewer), 200);
  });

  it('rejects back to draft only with a comment, which the history keeps', async () => {
    const c = await newCase('退回');
    await act(c.id, 'submit', users.editor);
    const bare = await act(c.id, 'reject', users.reviewer, {});
    expectStatus(bare, 400);
    expect(bare.body.error.details.map((p: any) => p.field)).to.deep.equal(['body.comment']);
    expectStatus(await act(c.id, 'reject', users.reviewer, { comment: '   ' }), 400);
    expectStatus(await act(c.id, 'reject', users.reviewer, { comment: '请补充具体成效数据' }), 200);
    expect(await status(c.id)).to.equal('draft');
    const history = (await app.request('GET', `${base}/${c.id}/transitions`, { token: users.editor })).body.items;
    expect(history.at(-1)).to.include({ action: 'reject', from: 'in_review', to: 'draft', comment: '请补充具体成效数据' });
  });

  it('refuses a transition carrying a stale version', async () => {
    const c = await newCase('过期版本');
    await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 1, summary: '更新' } });
    const stale = await act(c.id, 'submit', users.editor, { version: 1 });
    expectStatus(stale, 409);
    expectStatus(await act(c.id, 'submit', users.editor, { version: 2 }), 200);
  });

  it("sends an editor's edit of a submitted item back to draft; a reviewer's correction keeps it in review", async () => {
    const c = await newCase('审核中修改');
    await act(c.id, 'submit', users.editor);
    const fix = await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 1, summary: '审核员修正错别字' } });
    expectStatus(fix, 200);
    expect(fix.body.status).to.equal('in_review');
    const edit = await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 2, summary: '编辑补充' } });
    expectStatus(edit, 200);
    expect(edit.body.status).to.equal('draft');
  });

  it('never lets a reviewer approve words they rewrote; a changed approved item goes back to review', async () => {
    const c = await newCase('审核员改写');
    await act(c.id, 'submit', users.editor);
    const rewrite = await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 1, body: '审核员重写的正文' } });
    expectStatus(rewrite, 200);
    expect(rewrite.body.status).to.equal('in_review');
    const own = await act(c.id, 'approve', users.reviewer);
    expectStatus(own, 403);
    expect(own.body.error.code).to.equal('self_approval');
    expect(own.body.error.message).to.equal('不能审核通过包含自己修改的内容，请由其他审核员审核');
    expectStatus(await act(c.id, 'approve', users.admin), 200);

    // An approved item that changes needs approving again — and not by whoever changed it.
    const after = await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 2, summary: '通过后又改' } });
    expectStatus(after, 200);
    expect(after.body.status).to.equal('in_review');
    expectStatus(await act(c.id, 'approve', users.reviewer), 403);
    const byEditor = await newCase('通过后编辑修改');
    await act(byEditor.id, 'submit', users.editor);
    await act(byEditor.id, 'approve', users.reviewer);
    const editorSave = await app.request('PATCH', `${base}/${byEditor.id}`, { token: users.editor, body: { version: 1, summary: '编辑再改' } });
    expect(editorSave.body.status).to.equal('draft');

    // Rejecting and seeing it resubmitted does not wash a reviewer's edits out: still not theirs to approve.
    const again = await newCase('重新提交');
    await act(again.id, 'submit', users.editor);
    await app.request('PATCH', `${base}/${again.id}`, { token: users.reviewer, body: { version: 1, summary: '改' } });
    expectStatus(await act(again.id, 'reject', users.reviewer, { comment: '请作者确认修改' }), 200);
    expectStatus(await act(again.id, 'submit', users.editor), 200);
    expect((await act(again.id, 'approve', users.reviewer)).body.error.code).to.equal('self_approval');
    expectStatus(await act(again.id, 'approve', users.admin), 200);
    // After someone else's approval, a later round is clean for that reviewer again.
    await app.request('PATCH', `${base}/${again.id}`, { token: users.editor, body: { version: 2, summary: '作者再改' } });
    await act(again.id, 'submit', users.editor);
    expectStatus(await act(again.id, 'approve', users.reviewer), 200);
  });

  it('never lets an admin approve what they wrote, nor a reviewer who drafted it', async () => {
    const byAdmin = await app.request('POST', base, { token: users.admin, body: { title: '管理员撰写', caseKind: 'group_activity', body: '正文' } });
    expectStatus(byAdmin, 201);
    await act(byAdmin.body.id, 'submit', users.admin);
    expect((await act(byAdmin.body.id, 'approve', users.admin)).body.error.code).to.equal('self_approval');
    expectStatus(await act(byAdmin.body.id, 'approve', users.reviewer), 200);

    // A reviewer who rewrote a draft (before it was ever submitted) cannot approve it once the author submits.
    const c = await newCase('审核员改草稿');
    expectStatus(await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 1, body: '审核员先改写了草稿' } }), 200);
    expectStatus(await act(c.id, 'submit', users.editor), 200);
    expect((await act(c.id, 'approve', users.reviewer)).body.error.code).to.equal('self_approval');
  });

  it('edits a live item only by a reviewer, and the edit goes through review; scheduled items are locked', async () => {
    const c = await newCase('已发布修改');
    await act(c.id, 'submit', users.editor);
    await act(c.id, 'approve', users.reviewer);
    await hooks.markPublished('case', c.id);
    const byEditor = await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 1, summary: '编辑改已发布' } });
    expectStatus(byEditor, 403);
    expect(byEditor.body.error.code).to.equal('live_edit_forbidden');
    const byReviewer = await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 1, summary: '审核员改已发布', slug: 'new-slug' } });
    expectStatus(byReviewer, 400); // the slug is fixed once published
    const ok = await app.request('PATCH', `${base}/${c.id}`, { token: users.reviewer, body: { version: 1, summary: '审核员改已发布' } });
    expectStatus(ok, 200);
    // Unapproved words never go live: the item leaves the site until someone else approves the change.
    expect(ok.body).to.include({ status: 'in_review', version: 2, slug: c.slug });
    expect(changes.filter((e) => e.id === c.id).map((e) => e.reason)).to.deep.equal(['published', 'withdrawn']);
    expect((await act(c.id, 'approve', users.reviewer)).body.error.code).to.equal('self_approval');
    expectStatus(await act(c.id, 'approve', users.admin), 200);
    expect(await hooks.markPublished('case', c.id)).to.include({ status: 'published', version: 2 });

    const s = await newCase('已排期');
    await act(s.id, 'submit', users.editor);
    await act(s.id, 'approve', users.reviewer);
    await hooks.markScheduled('case', s.id, new Date(Date.now() + 3_600_000));
    const locked = await app.request('PATCH', `${base}/${s.id}`, { token: users.admin, body: { version: 1, summary: 'x' } });
    expectStatus(locked, 409);
    expectStatus(await app.request('DELETE', `${base}/${s.id}`, { token: users.admin }), 409);
    await hooks.markUnscheduled('case', s.id);
    expect(await status(s.id)).to.equal('approved');
  });

  it('saves over a revision left behind by an interrupted save, and that revision then holds what was saved', async () => {
    const c = await newCase('中断的保存');
    // What a crash between writing a revision and updating the item would leave: revision 2 for an item at version 1.
    await Revision.create({ kind: 'case', itemId: c.id, version: 2, reason: 'update', data: { title: '从未保存的标题' }, by: users.ids.editor, at: new Date() });
    const save = await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 1, title: '真正保存的标题' } });
    expectStatus(save, 200);
    expect(save.body).to.include({ version: 2, title: '真正保存的标题' });
    const rev = await app.request('GET', `${base}/${c.id}/revisions/2`, { token: users.organizer });
    expectStatus(rev, 200);
    expect(rev.body.data.title).to.equal('真正保存的标题');
    expectStatus(await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 1, title: '过期' } }), 409);
  });

  it('keeps a revision per save and restores an old one as a new version', async () => {
    const c = await newCase('版本一');
    await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 1, title: '版本二', summary: '第二版摘要' } });
    await app.request('PATCH', `${base}/${c.id}`, { token: users.editor, body: { version: 2, title: '版本三', summary: null } });
    const list = await app.request('GET', `${base}/${c.id}/revisions`, { token: users.organizer });
    expectStatus(list, 200);
    expect(list.body.items.map((r: any) => [r.version, r.reason])).to.deep.equal([
      [3, 'update'],
      [2, 'update'],
      [1, 'create'],
    ]);
    const v2 = await app.request('GET', `${base}/${c.id}/revisions/2`, { token: users.organizer });
    expect(v2.body.data).to.include({ title: '版本二', summary: '第二版摘要' });
    expectStatus(await app.request('GET', `${base}/${c.id}/revisions/9`, { token: users.organizer }), 404);

    const stale = await app.request('POST', `${base}/${c.id}/revisions/1/restore`, { token: users.editor, body: { version: 2 } });
    expectStatus(stale, 409);
    const restored = await app.request('POST', `${base}/${c.id}/revisions/1/restore`, { token: users.editor, body: { version: 3 } });
    expectStatus(restored, 200);
    expect(restored.body).to.include({ title: '版本一', version: 4 });
    expect(restored.body.summary ?? '').to.equal('');
    const latest = (await app.request('GET', `${base}/${c.id}/revisions`, { token: users.editor })).body.items[0];
    expect(latest).to.include({ version: 4, reason: 'restore_revision', restoredFrom: 1 });
  });

  it('soft-deletes anything ever published (reviewer), hides it, and restores it', async () => {
    const c = await newCase('软删除');
    await act(c.id, 'submit', users.editor);
    await act(c.id, 'approve', users.reviewer);
    await hooks.markPublished('case', c.id);
    expectStatus(await app.request('DELETE', `${base}/${c.id}`, { token: users.reviewer }), 409); // withdraw first
    await act(c.id, 'withdraw', users.reviewer);
    expectStatus(await app.request('DELETE', `${base}/${c.id}`, { token: users.editor }), 403);
    const del = await app.request('DELETE', `${base}/${c.id}`, { token: users.reviewer });
    expectStatus(del, 200);
    expect(del.body).to.deep.equal({ deleted: 'soft' });

    const listed = await app.request('GET', `${base}?q=软删除`, { token: users.editor });
    expect(listed.body.total).to.equal(0);
    const trash = await app.request('GET', `${base}?q=软删除&deleted=true`, { token: users.editor });
    expect(trash.body.items.map((i: any) => i.id)).to.deep.equal([c.id]);
    expectStatus(await act(c.id, 'submit', users.editor), 404);
    expect(await hooks.getPublishable('case', c.id)).to.equal(null);

    expectStatus(await act(c.id, 'restore', users.editor), 403);
    const back = await act(c.id, 'restore', users.reviewer);
    expectStatus(back, 200);
    expect(back.body).to.include({ status: 'withdrawn', deletedAt: null });
    expectStatus(await act(c.id, 'restore', users.reviewer), 409);
    const history = (await app.request('GET', `${base}/${c.id}/transitions`, { token: users.editor })).body.items;
    expect(history.slice(-2).map((t: any) => t.action)).to.deep.equal(['delete', 'restore']);
  });
});
