/**
 * Experience-exchange meetings: the admin API, the public RSVP API and page, calendar files, the reminder job,
 * and the 'meeting' kind and audiences the publishing pipeline needs.
 */
import type { FeatureModule, Services } from '../module';
import { adminRoutes } from './routes/admin';
import { publicRoutes } from './routes/public';
import { pageRoutes } from './routes/pages';
import { registerMeetingKind } from './publishable';
import { registerMeetingAudiences } from './notify';
import { REMINDER_JOB, runReminders } from './reminders';
import type { MeetingsContext } from './context';
import { signupRateLimit } from './signup';
import { sweepWaitlists } from './waitlist';
import './models';

export function meetingsModule(services: Services): FeatureModule {
  const ctx: MeetingsContext = {
    config: services.config,
    clock: services.clock,
    logger: services.logger.child({ component: 'meetings' }),
    events: services.events,
  };
  const signupLimit = signupRateLimit(ctx.clock);
  registerMeetingKind();
  registerMeetingAudiences();
  return {
    name: 'meetings',
    routers: [adminRoutes(ctx), publicRoutes(ctx, signupLimit)],
    pageRouters: [pageRoutes(ctx, signupLimit)],
    start() {
      services.scheduler.register({
        name: REMINDER_JOB,
        schedule: '* * * * *',
        runOnStart: true,
        leaseMs: 5 * 60_000,
        run: async () => {
          const result = await runReminders(ctx);
          if (result.sent || result.skipped) ctx.logger.info(result, 'meeting reminders');
        },
      });
      services.scheduler.register({
        name: 'meetings.waitlist',
        schedule: '* * * * *',
        runOnStart: true,
        leaseMs: 5 * 60_000,
        run: async () => {
          const promoted = await sweepWaitlists(ctx);
          if (promoted) ctx.logger.info({ promoted }, 'wait-list promotions (sweep)');
        },
      });
    },
  };
}
