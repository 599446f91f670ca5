/**
 * Pushes the account menu (as saved through PUT /api/admin/wechat/menu, or the default one) to WeChat with menu/create.
 * Works whether or not the service is running.
 *   npm run wechat:menu              validate and push
 *   npm run wechat:menu -- --dry-run validate and print, push nothing
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock';
import { AppError } from '../src/errors';
import { wechatApiFor } from '../src/wechat/api';
import { MenuService } from '../src/wechat/menu/service';
import { validateMenu } from '../src/wechat/menu/validate';
import { runScript } from './cli';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });

void runScript(async ({ config }) => {
  const menus = new MenuService(systemClock, config.publicBaseUrl);
  try {
    const current = await menus.get();
    const menu = validateMenu(current.menu);
    console.log(`${current.stored ? 'saved' : 'default'} menu${current.updatedAt ? ` (saved ${current.updatedAt.toISOString()} by ${current.updatedBy})` : ''}:`);
    console.log(JSON.stringify(menu, null, 2));
    if (values['dry-run']) {
      console.log('dry run: nothing sent');
      return;
    }
    const api = wechatApiFor(config);
    if (!api) throw new Error('set WECHAT_APP_ID and WECHAT_APP_SECRET to push the menu');
    const pushed = await menus.push(api);
    console.log(`pushed to WeChat at ${pushed.pushedAt?.toISOString()} (clients may take a few minutes to show it)`);
  } catch (err) {
    if (err instanceof AppError) {
      const details = Array.isArray(err.details) ? (err.details as { field: string; message: string }[]).map((d) => `\n  ${d.field}: ${d.message}`).join('') : '';
      throw new Error(`${err.message}${details}`);
    }
    throw err;
  }
});
