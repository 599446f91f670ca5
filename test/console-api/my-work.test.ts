import { expect } from 'chai';
import { TestClock } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { HOUR, clockStart } from './support';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { waitFor } from '../publishing/support/fixtures';

const START = clockStart();

describe('GET /api/admin/my-work', () => {
  let app: TestApp;
  let fake: FakeWechat;
  const clock = new TestClock(START);
  let editor: { token: string; userId: string };
  let reviewer: { token: string; userId: string };
  let organizer: { token: string };
  let admin: { token: string };

  const post = (token: string, path: string, body?: unknown) => app.request('POST', path, { token, body });
  async function article(title: string): Promise<{ id: string; version: number }> {
    const res = await post(editor.token, '/api/admin/articles', { title, body: `${title}的正文` });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }
  async function submitted(title: string) {
    const a = await article(title);
    expect((await post(editor.token, `/api/admin/articles/${a.id}/submit`)).status).to.equal(200);
    return a;
  }
  async function approved(title: string) {
    const a = await submitted(title);
    expect((await post(reviewer.token, `/api/admin/articles/${a.id}/approve`)).status).to.equal(200);
    return a;
  }
  const myWork = async (token: string) => {
    const res = await app.request('GET', '/api/admin/my-work', { token });
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };

  before(async () => {
    fake = await startFakeWechat();
    app = await startTestApp({
      name: 'console-my-work',
      clock,
      env: { WECHAT_APP_ID: fake.state.appId, WECHAT_APP_SECRET: fake.state.appSecret, WECHAT_API_BASE: fake.url },
    });
    [editor, reviewer, organizer, admin] = await Promise.all([
      app.loginAs('editor', '编辑小王'),
      app.loginAs('reviewer', '审核老李'),
      app.loginAs('organizer', '组织者'),
      app.loginAs('admin'),
    ]);
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  it("shows an editor's drafts, what they submitted, and what came back with the reviewer's comment", async () => {
    const draft = await article('尚未提交的稿件');
    const waiting = await submitted('等待审核的稿件');
    const back = await submitted('被退回的稿件');
    expect((await post(reviewer.token, `/api/admin/articles/${back.id}/reject`, { comment: '第二段数据需要核实来源' })).status).to.equal(200);

    const work = await myWork(editor.token);
    expect(work.now).to.equal(START.toISOString());
    expect(work.drafts.map((d: any) => d.id)).to.include(draft.id).and.not.to.include(back.id);
    expect(work.drafts[0]).to.include({ kind: 'article', title: '尚未提交的稿件', status: 'draft', statusLabel: '草稿' });
    expect(work.submitted.map((d: any) => d.id)).to.deep.equal([waiting.id]);
    expect(work.returned).to.have.length(1);
    expect(work.returned[0]).to.include({ id: back.id, title: '被退回的稿件', comment: '第二段数据需要核实来源', returnedBy: reviewer.userId, returnedByName: '审核老李' });
    expect(work.awaitingReview).to.deep.equal([]);
    expect(work.meetings).to.deep.equal([]);

    // Once fixed and resubmitted it is no longer "returned".
    await post(editor.token, `/api/admin/articles/${back.id}/submit`);
    expect((await myWork(editor.token)).returned).to.deep.equal([]);
  });

  it("shows a reviewer what waits for their review, but not what they may not approve", async () => {
    const theirs = await submitted('编辑提交的稿件');
    const work = await myWork(reviewer.token);
    expect(work.awaitingReview.map((d: any) => d.id)).to.include(theirs.id);
    // The reviewer corrects it during review: now someone else has to approve it.
    const current = (await app.request('GET', `/api/admin/articles/${theirs.id}`, { token: reviewer.token })).body;
    const saved = await app.request('PATCH', `/api/admin/articles/${theirs.id}`, { token: reviewer.token, body: { version: current.version, title: '审核改过的标题' } });
    expect(saved.status, saved.text).to.equal(200);
    expect((await myWork(reviewer.token)).awaitingReview.map((d: any) => d.id)).not.to.include(theirs.id);
    expect((await myWork(admin.token)).awaitingReview.map((d: any) => d.id)).to.include(theirs.id);
  });

  it('shows scheduled publications and failed deliveries', async () => {
    const later = await approved('定时发布的稿件');
    const at = new Date(START.getTime() + 26 * HOUR).toISOString();
    const scheduled = await post(reviewer.token, `/api/admin/articles/${later.id}/publish`, { channels: ['microsite'], at });
    expect(scheduled.status, scheduled.text).to.equal(201);

    fake.controls.setFreePublishUnauthorized(true);
    try {
      const failing = await approved('公众号发布失败的稿件');
      const pub = await post(reviewer.token, `/api/admin/articles/${failing.id}/publish`, { channels: ['wechat'] });
      expect(pub.status, pub.text).to.equal(201);
      await waitFor('the wechat delivery to fail', async () => {
        const view = (await app.request('GET', `/api/admin/publications/${pub.body.id}`, { token: reviewer.token })).body;
        return view.deliveries.some((d: any) => d.status === 'failed');
      });
    } finally {
      fake.controls.setFreePublishUnauthorized(false);
    }

    const work = await myWork(reviewer.token);
    expect(work.scheduled.map((p: any) => p.title)).to.deep.equal(['定时发布的稿件']);
    expect(work.scheduled[0].dueAt).to.equal(at);
    expect(work.deliveryProblems).to.have.length(1);
    expect(work.deliveryProblems[0]).to.include({ title: '公众号发布失败的稿件', channel: 'wechat', status: 'failed', kind: 'article' });
    expect(work.deliveryProblems[0].error.providerCode).to.equal('48001');
    expect(work.deliveryProblems[0].actions).to.deep.equal(['retry']);
    // An editor follows what went out too.
    expect((await myWork(editor.token)).deliveryProblems).to.have.length(1);
  });

  it("shows an organizer's upcoming meetings, not past ones, and nothing of content review", async () => {
    const meeting = (startsAt: Date, title: string) =>
      post(organizer.token, '/api/admin/meetings', {
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
        venue: '区人大常委会三楼会议室',
      });
    const soon = await meeting(new Date(START.getTime() + 72 * HOUR), '代表小组经验交流会');
    expect(soon.status, soon.text).to.equal(201);
    const work = await myWork(organizer.token);
    expect(work.meetings.map((m: any) => m.title)).to.deep.equal(['代表小组经验交流会']);
    expect(work.meetings[0]).to.include({ status: 'draft', acceptedCount: 0 });
    expect(work.drafts).to.deep.equal([]);
    expect(work.awaitingReview).to.deep.equal([]);

    clock.set(START.getTime() + 100 * HOUR);
    try {
      expect((await myWork(organizer.token)).meetings).to.deep.equal([]);
    } finally {
      clock.set(START);
    }
  });

  it('needs a signed-in user and a sane limit', async () => {
    expect((await app.request('GET', '/api/admin/my-work')).status).to.equal(401);
    const bad = await app.request('GET', '/api/admin/my-work?limit=0', { token: editor.token });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('query.limit');
  });
});
