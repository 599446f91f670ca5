/**
 * Browsable API documentation at /api/docs: Swagger UI's own static bundle (swagger-ui-dist, served from
 * node_modules — no CDN, the machines have no internet) driven by /api/openapi.json. "Try it out" works with a
 * bearer token (Authorize) or the console's session cookie, whose CSRF token the page adds to unsafe requests.
 */
import path from 'node:path';
import Router from '@koa/router';
import type { FeatureModule, Services } from '../module';
import type { AppState } from '../http/context';
import { sendStaticFile, StaticDirectory } from '../http/static-files';

const BUNDLE_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);
const HERE = path.join(__dirname, 'static');

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>连心 API 文档</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

export function apiDocsModule(_services: Services): FeatureModule {
  const bundle = new StaticDirectory(path.dirname(require.resolve('swagger-ui-dist/package.json')));
  const own = new StaticDirectory(HERE);
  const router = new Router<AppState>();

  router.get('/api/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = PAGE;
  });
  router.get('/api/docs/init.js', async (ctx) => {
    const file = await own.get('init.js');
    if (file) sendStaticFile(ctx, file, 'no-cache');
  });
  router.get('/api/docs/assets/:file', async (ctx) => {
    const file = BUNDLE_FILES.has(ctx.params.file) ? await bundle.get(ctx.params.file) : undefined;
    // The bundle changes only with the package version; revalidating keeps an upgrade visible at once.
    if (file) sendStaticFile(ctx, file, 'public, max-age=3600');
  });

  return { name: 'api-docs', pageRouters: [router] };
}
