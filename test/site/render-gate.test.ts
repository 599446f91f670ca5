/**
 * A burst of cache misses renders a few pages at a time (src/site/render-gate.ts): every request is answered with
 * its own page, while no more than the gate's limit of renders ever run side by side.
 */
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { siteRuntime } from '../../src/site/runtime';
import { RenderGate } from '../../src/site/render-gate';
import { startTestApp, type TestApp } from '../support/app';
import { seed } from './support';

/** A GET on a connection of its own, so that the whole burst reaches the server at once. */
function getAlone(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('render gate', () => {
  /** A render that finishes when the test says so, and records when it started. */
  function controlled(started: number[], i: number) {
    let finish!: (value: number) => void;
    let fail!: (err: Error) => void;
    const done = new Promise<number>((resolve, reject) => ((finish = resolve), (fail = reject)));
    return { render: () => (started.push(i), done), finish: () => finish(i), fail: () => fail(new Error(`render ${i} failed`)) };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('runs 4 renders at once, starts the others in arrival order as slots free, and frees the slot of a failed one', async () => {
    const gate = new RenderGate(4);
    const started: number[] = [];
    const renders = Array.from({ length: 7 }, (_, i) => controlled(started, i));
    const results = renders.map((r) => gate.run(r.render).catch((err: Error) => err.message));
    await turn();
    expect(started).to.deep.equal([0, 1, 2, 3]);
    expect(gate.load).to.deep.equal({ running: 4, waiting: 3 });
    renders[2].fail();
    await turn();
    expect(started).to.deep.equal([0, 1, 2, 3, 4]);
    renders[0].finish();
    renders[3].finish();
    await turn();
    expect(started).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(gate.load).to.deep.equal({ running: 4, waiting: 0 });
    for (const i of [1, 4, 5, 6]) renders[i].finish();
    expect(await Promise.all(results)).to.deep.equal([0, 1, 'render 2 failed', 3, 4, 5, 6]);
    expect(gate.load).to.deep.equal({ running: 0, waiting: 0 });
    expect(gate.history).to.deep.equal({ mostRunning: 4, waited: 3 });
  });
});

describe('microsite renders under a burst of misses', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ name: 'site_render_gate' });
  });
  after(async () => app?.close());

  it('answers 40 different uncached pages asked at once, rendering at most 4 at a time', async () => {
    const articles = [];
    for (let i = 0; i < 40; i++) articles.push(await seed(app, 'article', { title: `并发渲染稿件${i}`, body: `正文${i}` }));
    siteRuntime().cache.clear();

    const pages = await Promise.all(articles.map((a) => getAlone(`${app.url}/news/${a.slug}`)));
    for (const [i, page] of pages.entries()) {
      expect(page.status).to.equal(200);
      expect(page.body).to.contain(`并发渲染稿件${i}`);
    }
    const after = siteRuntime().renders.history;
    expect(after.mostRunning, 'renders running at once').to.be.within(1, 4);
    expect(siteRuntime().renders.load).to.deep.equal({ running: 0, waiting: 0 });
    // Every page was kept: the next round is answered from memory.
    expect(siteRuntime().cache.size).to.be.at.least(40);
    expect((await getAlone(`${app.url}/news/${articles[7].slug}`)).body).to.contain('并发渲染稿件7');
  });
});
