/**
 * "My work": the start page of every staff member in one call, assembled from the small query functions the
 * content, publishing and meetings modules export. Sections a role has nothing to do with come back empty.
 */
import { z } from 'zod';
import type { FeatureModule, Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { hasRole } from '../auth/roles';
import { awaitingReviewBy, myDrafts, mySubmitted } from '../content/my-work';
import { deliveryProblems, upcomingPublications } from '../publishing/queries';
import { upcomingMeetings } from '../meetings/service';
import { returnedItem, workItem } from '../content/response-schemas';
import { deliveryProblem, publicationView } from '../publishing/response-schemas';
import { adminMeeting } from '../meetings/response-schemas';

/** Delivery problems older than this are history, not work. */
const PROBLEM_WINDOW_MS = 30 * 86_400_000;

export function myWorkModule({ clock }: Services): FeatureModule {
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/api/admin/my-work',
    summary:
      'Start page of the signed-in user: own drafts, items returned with the reviewer\'s comment, own items waiting for review, ' +
      'items waiting for my review (reviewers), scheduled publications, failed or in-doubt deliveries of the last 30 days, upcoming meetings (organizers)',
    tags: ['my-work'],
    access: 'authenticated',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
    response: z.object({
      now: z.iso.datetime(),
      drafts: z.array(workItem),
      returned: z.array(returnedItem),
      submitted: z.array(workItem),
      awaitingReview: z.array(workItem),
      scheduled: z.array(publicationView),
      deliveryProblems: z.array(deliveryProblem),
      meetings: z.array(adminMeeting),
    }),
    handler: async (ctx, { query }) => {
      const user = ctx.state.user!;
      const now = clock.now();
      const { limit } = query;
      const writes = hasRole(user, ['editor', 'reviewer']);
      const reads = hasRole(user, ['editor', 'reviewer', 'organizer']);
      const [mine, submitted, awaitingReview, scheduled, problems, meetings] = await Promise.all([
        writes ? myDrafts(user.id, limit) : { drafts: [], returned: [] },
        writes ? mySubmitted(user.id, limit) : [],
        hasRole(user, ['reviewer']) ? awaitingReviewBy(user.id, limit) : [],
        reads ? upcomingPublications(limit) : [],
        reads ? deliveryProblems(new Date(now.getTime() - PROBLEM_WINDOW_MS), limit) : [],
        hasRole(user, ['organizer']) ? upcomingMeetings(now, limit) : [],
      ]);
      return {
        now,
        drafts: mine.drafts,
        returned: mine.returned,
        submitted,
        awaitingReview,
        scheduled,
        deliveryProblems: problems,
        meetings,
      };
    },
  });
  return { name: 'my-work', routers: [api] };
}
