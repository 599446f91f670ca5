/**
 * Checks that hold for every route any module declares: the OpenAPI document matches what is registered,
 * and every non-public route refuses anonymous callers and every role it does not admit.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { ROLES } from '../../src/auth/roles';
import type { RouteDefinition } from '../../src/http/api-router';
import { toOpenApiPath } from '../../src/http/openapi';

function samplePath(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? '0123456789abcdef01234567' : 'sample'));
}

describe('routes', () => {
  let app: TestApp;
  let declared: RouteDefinition[];
  let tokens: Record<string, string>;

  before(async () => {
    app = await startTestApp({ name: 'routes' });
    declared = app.service.modules.flatMap((m) => m.routers ?? []).flatMap((r) => r.routes);
    tokens = {};
    for (const role of ROLES) tokens[role] = (await app.loginAs(role)).token;
  });
  after(() => app.close());

  it('documents exactly the registered API routes in /api/openapi.json', async () => {
    const res = await app.request('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(res.body.paths as Record<string, object>)) for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p}`);

    // What Koa actually routes: every layer of every module's routers (HEAD is implied by GET).
    const registered = new Set<string>(['GET /api/openapi.json']);
    for (const m of app.service.modules) {
      for (const r of m.routers ?? []) {
        for (const layer of r.router.stack) for (const method of layer.methods) if (method !== 'HEAD') registered.add(`${method} ${toOpenApiPath(layer.path as string)}`);
      }
      for (const r of m.pageRouters ?? []) {
        for (const layer of r.stack) expect(String(layer.path), `API route ${layer.path} outside ApiRouter`).not.to.match(/^\/api\//);
      }
    }
    expect([...registered].filter((r) => !documented.has(r)), 'registered but undocumented').to.deep.equal([]);
    expect([...documented].filter((r) => !registered.has(r)), 'documented but not registered').to.deep.equal([]);
  });

  // These walk every route (×4 roles): several hundred requests, more than the default timeout on a busy machine.
  it('refuses anonymous callers on every non-public route', async function () {
    this.timeout(120_000);
    for (const route of declared.filter((r) => r.access !== 'public')) {
      const res = await app.request(route.method.toUpperCase(), samplePath(route.path), { body: route.method === 'get' ? undefined : {} });
      expect(res.status, `${route.method} ${route.path}`).to.equal(401);
    }
  });

  it('admits exactly the declared roles on every route family', async function () {
    // One request per route and role: the loop grows with every module and role added.
    this.timeout(120_000);
    for (const route of declared.filter((r) => Array.isArray(r.access))) {
      const allowed = route.access as readonly string[];
      for (const role of ROLES) {
        const res = await app.request(route.method.toUpperCase(), samplePath(route.path), {
          token: tokens[role],
          body: route.method === 'get' || route.method === 'delete' ? undefined : {},
        });
        const label = `${role} → ${route.method.toUpperCase()} ${route.path} (${res.status} ${res.text.slice(0, 120)})`;
        if (role === 'admin' || allowed.includes(role)) {
          expect([401, 403], label).not.to.include(res.status);
          expect(res.status, label).to.be.below(500);
        }
        else expect(res.status, label).to.equal(403);
      }
    }
  });
});
