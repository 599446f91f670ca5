/**
 * The security headers every response carries (helmet's policy for this app). They do not depend on the request,
 * so helmet runs once at startup and each response copies the recorded list — the Koa pipeline and the raw front
 * lane (src/http/front-lane.ts) send exactly the same headers without running helmet's thirteen middlewares per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { AppContext } from './context';

/** Header name, value, name, value, … in helmet's order (the shape `res.writeHead` takes). */
export type FlatHeaders = readonly string[];

type HelmetOptions = NonNullable<Parameters<typeof helmet>[0]>;

/**
 * Over https the browser is told to stay on https (HSTS) and to upgrade any http subresource. Over plain http (a LAN
 * address, a test box) both would break the site: upgraded CSS/JS/image requests go to an https port nobody serves.
 * Cross-Origin-Opener-Policy, which browsers only honour on https, is left out over http as well.
 */
function policy(httpsSite: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: httpsSite ? [] : null,
        defaultSrc: ["'self'"],
        // No third-party images: they would tell another site who reads what (Markdown links them instead).
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'", 'https://res.wx.qq.com'],
        connectSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: httpsSite,
    // Browsers ignore COOP on a plain-http origin other than localhost, and say so as a console error on every page.
    crossOriginOpenerPolicy: httpsSite,
  };
}

/** Runs helmet against a recorder: every directive above is fixed per site, so the result holds for every request. */
export function securityHeaders(publicBaseUrl: string): FlatHeaders {
  const headers: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push(name, String(value));
    },
    removeHeader() {},
  };
  let failure: unknown;
  helmet(policy(publicBaseUrl.startsWith('https:')))({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}

/** Koa middleware setting the recorded headers. */
export function securityHeadersMiddleware(headers: FlatHeaders) {
  return (ctx: AppContext, next: () => Promise<unknown>) => {
    const res = ctx.res;
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
    return next();
  };
}
