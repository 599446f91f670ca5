/**
 * /api/public/suggestions…: the public JSON twins of the microsite pages (same rules; for tests and other front
 * ends): send a suggestion, follow it by tracking number, the answered public ones, the rates; and the deputy's
 * satisfaction link.
 */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import { answeredQuery, publicRatesQuery, publicRatingBody, publicSubmissionBody } from '../schemas';
import { submitPublicSuggestion } from '../public-submission';
import { answeredPublic, publicProgress } from '../public-views';
import { publicRates } from '../public-rates';
import { rateThroughLink, viewSatisfaction } from '../satisfaction';
import { publicLimits } from '../public-limits';
import type { SuggestionsContext } from '../context';

const TAGS = ['suggestions-public'];
const tokenParams = z.object({ token: z.string().min(1).max(100) }).strict();
const receiptParams = z.object({ receiptNo: z.string().min(1).max(40) }).strict();

export function publicRoutes(sc: SuggestionsContext): ApiRouter {
  const api = new ApiRouter();
  const limits = publicLimits(sc);
  const noStore = (ctx: { set(k: string, v: string): void }) => ctx.set('Cache-Control', 'private, no-store');

  api.add({
    method: 'post',
    path: '/api/public/suggestions',
    summary: 'A citizen sends a suggestion to a deputy or the deputy group of their township; answers the tracking number',
    tags: TAGS,
    access: 'public',
    body: publicSubmissionBody,
    before: [limits.submissions, limits.sameOrigin],
    responses: { 201: 'Received: the tracking number', 400: 'Bad fields (phone or ID numbers in public text, unknown deputy…)', 429: 'Too many from this address' },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      noStore(ctx);
      const { website: _honeypot, ...input } = body;
      return submitPublicSuggestion(sc, input, { channel: 'web', address: ctx.ip });
    },
  });

  api.add({
    method: 'get',
    path: '/api/public/suggestions/answered',
    summary: '件件有答复: public suggestions with their answers, latest first',
    tags: TAGS,
    access: 'public',
    query: answeredQuery,
    before: [limits.burst],
    handler: (_ctx, { query }) => answeredPublic(query),
  });

  api.add({
    method: 'get',
    path: '/api/public/suggestions/rates',
    summary: '交办率, 办结率, 满意率 of the city and each county for a period (default: this year, Beijing calendar)',
    tags: TAGS,
    access: 'public',
    query: publicRatesQuery,
    before: [limits.burst],
    handler: (_ctx, { query }) => publicRates(sc, query),
  });

  api.add({
    method: 'get',
    path: '/api/public/suggestions/:receiptNo',
    summary: 'Progress of a suggestion by tracking number (public ones with text and answers; private ones only their state)',
    tags: TAGS,
    access: 'public',
    params: receiptParams,
    before: [limits.burst, limits.misses],
    responses: { 404: 'No such tracking number' },
    handler: (ctx, { params }) => {
      noStore(ctx);
      return publicProgress(params.receiptNo);
    },
  });

  api.add({
    method: 'get',
    path: '/api/public/satisfaction/:token',
    summary: 'The suggestion and answer behind a deputy’s personal satisfaction link, and whether it can still be rated',
    tags: TAGS,
    access: 'public',
    params: tokenParams,
    before: [limits.burst, limits.misses],
    responses: { 404: 'Unknown link', 410: 'Expired link' },
    handler: (ctx, { params }) => {
      noStore(ctx);
      return viewSatisfaction(sc, params.token);
    },
  });

  api.add({
    method: 'post',
    path: '/api/public/satisfaction/:token',
    summary: 'The deputy rates the answer: 满意 / 基本满意 / 不满意 with a comment (once per round)',
    tags: TAGS,
    access: 'public',
    params: tokenParams,
    body: publicRatingBody,
    before: [limits.burst, limits.misses, limits.sameOrigin],
    responses: { 404: 'Unknown link', 409: 'Already rated, or not waiting for a rating', 410: 'Expired link' },
    handler: (ctx, { params, body }) => {
      noStore(ctx);
      return rateThroughLink(sc, params.token, body);
    },
  });

  return api;
}
