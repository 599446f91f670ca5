/**
 * WeChat's ordinary callback — POST /wechat, an XML body, a query the declaration accepts — answered in the raw front
 * lane (src/http/front-lane.ts): no Koa context, middleware chain or router for the one request an account's followers
 * make by the thousand. The rules are callback.ts's, as for the Koa route; the answer carries what Koa's would
 * (request id, security headers, `charset=utf-8`, the one JSON error shape) and is recorded under the same route label.
 * Anything else — GET verification, other media types, a query that fails validation — goes to Koa, which answers
 * it (and its errors) the usual way.
 */
import { parse as parseQuery } from 'node:querystring';
import { clientIp, type ProxyTrust } from '../../http/client-ip';
import { frontRequestId, splitUrl, writeAnswer, writeError, type FrontResponder } from '../../http/front-lane';
import type { Logger } from '../../logger';
import { callbackQuery, XML_TYPE, type CallbackRequest, type WechatCallback } from './callback';
import { readXmlBody } from './raw-body';

const ROUTE = '/wechat';

export function callbackFrontLane(callback: WechatCallback, logger: Logger, trust: ProxyTrust): FrontResponder {
  return (req, res, security) => {
    if (req.method !== 'POST') return undefined;
    const url = splitUrl(req.url);
    if (url?.path !== ROUTE) return undefined;
    const contentType = req.headers['content-type'] ?? '';
    if (!XML_TYPE.test(contentType)) return undefined;
    const query = callbackQuery.safeParse(parseQuery(url.querystring));
    if (!query.success) return undefined;

    const requestId = frontRequestId(req);
    let log: Logger | undefined;
    const request: CallbackRequest = {
      query: query.data,
      querystring: url.querystring,
      arrivedAt: performance.now(),
      contentType,
      bodyIsNotXml: () => false, // XML by its Content-Type (checked above)
      readBody: (limitBytes) => readXmlBody(req, limitBytes),
      ip: () => clientIp(req, trust),
      log: () => (log ??= logger.child({ requestId })),
    };
    return callback.receive(request).then(
      (answer) => ({ status: writeAnswer(res, 200, `${answer.type}; charset=utf-8`, answer.body, requestId, security), route: ROUTE, requestId }),
      (err: unknown) => ({ status: writeError(res, err, requestId, security, request.log()), route: ROUTE, requestId }),
    );
  };
}
