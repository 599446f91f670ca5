/** GET/PUT /api/admin/site-settings: the site name, organiser and filing numbers shown in every page's footer. */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { ICP_NUMBER_EXAMPLE, ICP_NUMBER_PATTERN, PSB_NUMBER_EXAMPLE, PSB_NUMBER_PATTERN } from '../filing-numbers';
import type { Clock } from '../clock';
import { loadSiteSettings, saveSiteSettings, type SiteSettingsDefaults, type StoredSiteSettings } from './settings';

const settingsShape = z.object({ name: z.string(), organizer: z.string(), icpNumber: z.string(), psbNumber: z.string() });
const settingsResponse = z.object({
  settings: settingsShape,
  defaults: settingsShape,
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});

/** Each field: a value, '' to show nothing (not for the name), or null to go back to the configured default. */
const changeBody = z
  .object({
    name: z.string().trim().min(1, '请填写站点名称').max(30, '站点名称不超过 30 个字').nullable().optional(),
    organizer: z.string().trim().max(60, '主办单位不超过 60 个字').nullable().optional(),
    icpNumber: z
      .union([z.literal(''), z.string().trim().regex(ICP_NUMBER_PATTERN, `ICP备案号格式如 ${ICP_NUMBER_EXAMPLE}`)])
      .nullable()
      .optional(),
    psbNumber: z
      .union([z.literal(''), z.string().trim().regex(PSB_NUMBER_PATTERN, `公安备案号格式如 ${PSB_NUMBER_EXAMPLE}`)])
      .nullable()
      .optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), '没有要修改的内容');

export function siteSettingsApi(deps: { clock: Clock; defaults: SiteSettingsDefaults; changed: () => Promise<StoredSiteSettings> }): ApiRouter {
  const api = new ApiRouter();
  const tags = ['site'];
  api.add({
    method: 'get',
    path: '/api/admin/site-settings',
    summary: 'Site settings shown in every page footer (name, 主办单位, ICP备案号, 公安备案号) with their configured defaults',
    tags,
    access: ['admin'],
    response: settingsResponse,
    handler: () => loadSiteSettings(deps.defaults),
  });
  api.add({
    method: 'put',
    path: '/api/admin/site-settings',
    summary: 'Change site settings (null = back to the configured default); every cached page is rebuilt with the new footer',
    tags,
    access: ['admin'],
    body: changeBody,
    response: settingsResponse,
    handler: async (ctx, { body }) => {
      await saveSiteSettings(body, ctx.state.user!.id, deps.clock.now());
      return deps.changed();
    },
  });
  return api;
}
