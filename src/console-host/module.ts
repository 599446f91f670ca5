/**
 * Serves the staff console's build (CONSOLE_DIR, by default src/console/dist) at /admin. The server imports
 * nothing of the console: it only hands out files. Hashed assets are cached for a year; index.html is
 * revalidated every time, so a new release shows at the next navigation. Any other path under /admin is a
 * client-side route and gets index.html. Without a build, /admin says so in Chinese instead of a bare 404.
 */
import path from 'node:path';
import type { FeatureModule, Services } from '../module';
import type { AppContext } from '../http/context';
import { sendStaticFile, StaticDirectory } from '../http/static-files';
import { missingBuildPage } from './missing-build';

const PREFIX = '/admin';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export function consoleHostModule({ config }: Services): FeatureModule {
  const files = new StaticDirectory(config.consoleDir);

  async function serve(ctx: AppContext): Promise<void> {
    // Staff pages are nobody's search result.
    ctx.set('X-Robots-Tag', 'noindex, nofollow');
    const relative = ctx.path.slice(PREFIX.length).replace(/^\/+/, '');
    if (relative && relative !== 'index.html') {
      const file = await files.get(relative);
      if (file) return sendStaticFile(ctx, file, relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
      // A missing script or stylesheet must be a 404, not the page (a browser would try to run HTML as code).
      if (relative.startsWith('assets/') || path.posix.extname(relative)) {
        ctx.status = 404;
        ctx.type = 'text/plain; charset=utf-8';
        ctx.set('Cache-Control', 'no-store');
        ctx.body = '未找到';
        ctx.state.handledNotFound = true;
        return;
      }
    }
    const index = await files.get('index.html');
    if (!index) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = missingBuildPage(config.consoleDir);
      return;
    }
    sendStaticFile(ctx, index, REVALIDATE);
  }

  async function consoleFrontPath(ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === PREFIX || ctx.path.startsWith(`${PREFIX}/`)) return serve(ctx);
    if (ctx.path === '/login' || ctx.path === '/login/') {
      ctx.status = 302;
      ctx.redirect(`${PREFIX}/login`);
      return;
    }
    return next();
  }

  return { name: 'console-host', frontMiddleware: [consoleFrontPath] };
}
