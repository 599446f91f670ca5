/**
 * A burst of cache misses renders a few pages at a time (src/site/render-gate.ts): every request is answered with
 * its own page, while no more than the gate's limit of renders ever run side by side.
 */
import { expect } from 'chai';
import { siteRuntime } from '../../src/site/runtime';
import { startTestApp, type TestApp } from '../support/app';
import { seed } from './support';

describe('microsite renders under a burst of misses', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ name: 'site_render_gate' });
  });
  after(async () => app?.close());

  it('answers 24 different uncached pages at once, rendering at most 4 at a time', async () => {
    const articles = [];
    for (let i = 0; i < 24; i++) articles.push(await seed(app, 'article', { title: `并发渲染稿件${i}`, body: `正文${i}` }));
    siteRuntime().cache.clear();

    let mostRunning = 0;
    let mostWaiting = 0;
    const sample = setInterval(() => {
      const { running, waiting } = siteRuntime().renders.load;
      mostRunning = Math.max(mostRunning, running);
      mostWaiting = Math.max(mostWaiting, waiting);
    }, 1);
    try {
      const pages = await Promise.all(articles.map(async (a) => app.request('GET', `/news/${a.slug}`)));
      for (const [i, page] of pages.entries()) {
        expect(page.status).to.equal(200);
        expect(page.text).to.contain(`并发渲染稿件${i}`);
      }
    } finally {
      clearInterval(sample);
    }
    expect(mostRunning, 'renders running at once').to.be.within(1, 4);
    expect(mostWaiting, 'renders that waited their turn').to.be.greaterThan(0);
    expect(siteRuntime().renders.load).to.deep.equal({ running: 0, waiting: 0 });
    // Every page was kept: the next round is answered from memory.
    const again = await app.request('GET', `/news/${articles[7].slug}`);
    expect(again.text).to.contain('并发渲染稿件7');
    expect(siteRuntime().cache.size).to.be.at.least(24);
  });
});
