/**
 * Browsable API documentation at /api/docs: Swagger UI's own static bundle (swagger-ui-dist, served from
 * node_modules — no CDN, the machines have no internet) driven by /api/openapi.json. "Try it out" works with a
 * bearer token (Authorize) or the console's session cookie, whose CSRF token the page adds to unsafe requests.
 */
import path from 'node:path';
import type { FeatureModule, Services } from '../module';
import type { AppContext } from '../http/context';
import { sendStaticFile, StaticDirectory } from '../http/static-files';

const BUNDLE_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);
// The source folder, also when running the compiled build (dist/ sits beside src/ at the same depth).
const HERE = path.resolve(__dirname, '../../src/api-docs/static');
const PREFIX = '/api/docs';

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

  // A front path rather than a router: these are static files, not API operations (the document lists only those).
  async function docsFrontPath(ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> {
    if (!ctx.path.startsWith(PREFIX) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const rest = ctx.path.slice(PREFIX.length);
    if (rest === '' || rest === '/') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = PAGE;
      return;
    }
    const file =
      rest === '/init.js'
        ? await own.get('init.js')
        : rest.startsWith('/assets/') && BUNDLE_FILES.has(rest.slice('/assets/'.length))
          ? await bundle.get(rest.slice('/assets/'.length))
          : undefined;
    if (!file) return next();
    // The bundle changes only with the package version; an hour's cache, then revalidation.
    sendStaticFile(ctx, file, rest === '/init.js' ? 'no-cache' : 'public, max-age=3600');
  }

  return { name: 'api-docs', frontMiddleware: [docsFrontPath] };
}
