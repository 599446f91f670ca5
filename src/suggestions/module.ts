/** 意见建议: departments, the handling state machine with its audit trail, the overdue list and the rates. */
import type { FeatureModule, Services } from '../module';
import { registerSuggestionAnswerProvider } from '../coverage';
import { suggestionAnswerFigures } from './answer-coverage';
import { departmentRoutes } from './routes/departments';
import { suggestionRoutes } from './routes/suggestions';
import { escalateAllOverdue, OVERDUE_JOB, SYSTEM_ACTOR } from './overdue-job';
import { inOfficeHours, remindAllOverdue } from './reminders';
import { sendMissingSatisfactionLinks } from './notify-steps';
import { registerSuggestionNoticeKind } from './notices';
import { rollBackStaleImports } from './import';
import { publicRoutes } from './routes/public';
import { pageRoutes } from './routes/pages';
import type { SuggestionsContext } from './context';
import './models';

export function suggestionsModule(services: Services): FeatureModule {
  const sc: SuggestionsContext = {
    config: services.config,
    clock: services.clock,
    logger: services.logger.child({ component: 'suggestions' }),
  };
  // 件件有答复 in the five full coverages comes from here (the coverage module reports "not measured" without it).
  registerSuggestionAnswerProvider(suggestionAnswerFigures);
  registerSuggestionNoticeKind();
  return {
    name: 'suggestions',
    routers: [departmentRoutes(sc), suggestionRoutes(sc), publicRoutes(sc)],
    pageRouters: [pageRoutes(sc)],
    start() {
      services.scheduler.register({
        name: OVERDUE_JOB,
        schedule: '0 8 * * *', // 08:00 Beijing, before the office's day
        runOnStart: true,
        leaseMs: 10 * 60_000,
        run: async () => {
          await rollBackStaleImports(sc);
          const result = await escalateAllOverdue(sc);
          if (result.escalated || result.failed) sc.logger.info(result, 'overdue suggestions escalated');
          if (inOfficeHours(sc.clock.now())) {
            const reminders = await remindAllOverdue(sc, SYSTEM_ACTOR);
            if (reminders.reminded || reminders.unreachable) sc.logger.info({ ...reminders, results: undefined }, 'overdue departments reminded');
          }
          const links = await sendMissingSatisfactionLinks(sc, SYSTEM_ACTOR);
          if (links) sc.logger.info({ links }, 'missing satisfaction links sent');
        },
      });
    },
  };
}
