/** Supervision (督导): committees and their counties, inspection rounds, problem lists and rectification, periodic reports. */
import type { FeatureModule, Services } from '../module';
import { registerTownshipsReachedProvider } from '../coverage';
import type { SupervisionContext } from './context';
import { ensureDefaultCategories } from './categories';
import { townshipsInspected } from './rounds';
import { recordRoutes } from './routes/records';
import { reportRoutes } from './routes/reports';
import { documentRouter } from './reports/news';
import { makeDueReports } from './reports/service';

export const REPORTS_JOB = 'supervision.reports';

export function supervisionModule(services: Services): FeatureModule {
  const ctx: SupervisionContext = { config: services.config, clock: services.clock, logger: services.logger.child({ component: 'supervision' }), events: services.events };
  return {
    name: 'supervision',
    routers: [recordRoutes(ctx), reportRoutes(ctx)],
    pageRouters: [documentRouter()],
    async start() {
      await ensureDefaultCategories();
      registerTownshipsReachedProvider(townshipsInspected);
      services.scheduler.register({
        name: REPORTS_JOB,
        // 01:30 Beijing every day: a period's report appears the night after it ends; the run also catches up
        // every ended period missing since the schedule first ran (downtime delays a report, never skips it).
        schedule: '0 30 1 * * *',
        runOnStart: true,
        leaseMs: 30 * 60_000,
        run: () => makeDueReports(ctx),
      });
    },
    stop() {
      registerTownshipsReachedProvider(null);
    },
  };
}
