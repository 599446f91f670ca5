import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('/api/openapi.json for typed clients', () => {
  let app: TestApp;
  let doc: any;
  before(async () => {
    app = await startTestApp({ name: 'console-openapi' });
    doc = (await app.request('GET', '/api/openapi.json')).body;
  });
  after(() => app.close());

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

  it('declares bearer tokens, the console session cookie and its CSRF header, per operation', async () => {
    expect(Object.keys(doc.components.securitySchemes)).to.have.members(['bearer', 'session', 'csrf']);
    expect(doc.components.securitySchemes.session).to.include({ type: 'apiKey', in: 'cookie', name: 'lianxin_session' });
    expect(doc.components.securitySchemes.csrf).to.include({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    expect(doc.paths['/api/admin/articles'].get.security).to.deep.equal([{ bearer: [] }, { session: [] }]);
    expect(doc.paths['/api/admin/articles'].post.security).to.deep.equal([{ bearer: [] }, { session: [], csrf: [] }]);
    expect(doc.paths['/api/auth/session'].post.security).to.deep.equal([]);
  });

  it('names every operation uniquely and documents the one error shape', async () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z]+[A-Za-z0-9]*$/.test(id))).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(doc.components.schemas.Error.properties.error.required).to.deep.equal(['code', 'message', 'details']);
    const create = doc.paths['/api/admin/articles'].post;
    expect(create.responses['400']).to.deep.equal({ $ref: '#/components/responses/Error400' });
    expect(create.responses['403']).to.deep.equal({ $ref: '#/components/responses/Error403' });
    for (const { op } of operations()) expect(op.responses.default).to.deep.equal({ $ref: '#/components/responses/Error' });
  });

  it('gives the console endpoints response schemas, with every reference resolvable', async () => {
    const schemaOf = (path: string, method: string, status = '200') => doc.paths[path][method].responses[status].content['application/json'].schema;
    expect(schemaOf('/api/admin/my-work', 'get').required).to.include.members(['drafts', 'returned', 'awaitingReview', 'scheduled', 'deliveryProblems', 'meetings']);
    expect(schemaOf('/api/auth/me', 'get').properties).to.include.keys('permissions', 'now', 'csrfToken');
    expect(schemaOf('/api/admin/articles/preview', 'post').properties).to.have.keys('microsite', 'wechat');
    expect(schemaOf('/api/admin/articles/{id}/diff', 'get').properties).to.include.keys('from', 'to', 'fields');
    expect(schemaOf('/api/admin/articles/{id}/publish/dry-run', 'post').properties).to.include.keys('channels', 'problems');
    expect(schemaOf('/api/admin/articles/{id}/publish', 'post', '201').properties).to.include.keys('deliveries', 'status');
    expect(doc.paths['/api/auth/logout'].post.responses['204']).to.deep.equal({ description: 'Logged out' });

    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' ? refs.push(x as string) : walk(x);
    };
    walk(doc);
    for (const ref of new Set(refs)) {
      expect(ref, ref).to.match(/^#\/components\//);
      const target = ref.slice(2).split('/').reduce((o: any, k) => o?.[k], doc);
      expect(target, ref).to.be.an('object');
    }
  });

  it('generates a TypeScript client with openapi-typescript', async function () {
    this.timeout(60_000);
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    const source = astToString(await openapiTS(doc));
    expect(source).to.include('getAdminMyWork').and.to.include('postAdminArticlesIdPublishDryRun');
    expect(source).to.match(/csrfToken\?: string/);
  });
});
