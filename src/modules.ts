/**
 * The composition root's list of feature modules, in mounting order.
 * Adding a feature = one line here.
 */
import type { FeatureModule, Services } from './module';
import { authModule } from './auth/module';
import { systemModule } from './system/module';
import { contentModule } from './content/module';
import { wechatModule } from './wechat/module';
import { meetingsModule } from './meetings/module';
import { siteModule } from './site/module';
import { publishingModule } from './publishing/module';
import { channelsHttpModule } from './channels-http/module';
import { activitiesModule } from './activities/module';
import { coverageModule } from './coverage/module';
import { consoleHostModule } from './console-host/module';
import { apiDocsModule } from './api-docs/module';
import { myWorkModule } from './my-work/module';
import { previewModule } from './preview/module';
import { suggestionsModule } from './suggestions/module';
import { partnersModule } from './partners/module';
import { subscriptionsModule } from './subscriptions/module';
import { supervisionModule } from './supervision/module';
import { evaluationModule } from './evaluation/module';
import { shortLinksModule } from './short-links/module';
import { aggregatesModule } from './aggregates/module';

export function buildModules(services: Services): FeatureModule[] {
  return [
    systemModule(services),
    authModule(services),
    contentModule(services),
    wechatModule(services),
    meetingsModule(services), // before the site: its /meetings/:slug.ics must win over /meetings/:slug
    shortLinksModule(services), // before the site, whose 404 page answers unknown codes
    siteModule(services),
    publishingModule(services),
    channelsHttpModule(services),
    activitiesModule(services),
    coverageModule(services),
    suggestionsModule(services),
    partnersModule(services),
    subscriptionsModule(services),
    supervisionModule(services),
    evaluationModule(services),
    aggregatesModule(services), // after the modules whose aggregates its job builds and repairs
    myWorkModule(services),
    previewModule(services),
    consoleHostModule(services), // /admin: after the microsite, whose cached-page fast path stays first
    apiDocsModule(services),
  ];
}
