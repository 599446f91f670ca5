/**
 * Where links the service sends out may point: the microsite (PUBLIC_BASE_URL's host) and the hosts an admin
 * listed in ALLOWED_LINK_HOSTS. Texts under the account's signature (SMS) and WeChat menu buttons carry only
 * such links, so a stolen or careless staff account cannot send citizens to a phishing page in our name.
 */
import type { Config } from './config';

export function allowedLinkHosts(config: Pick<Config, 'publicBaseUrl' | 'allowedLinkHosts'>): string[] {
  return [new URL(config.publicBaseUrl).host.toLowerCase(), ...config.allowedLinkHosts];
}

/** Anything in free text a phone would turn into a link: a scheme URL, "www.…", or a bare domain name. */
const LINK_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'，。]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:\/[^\s<>"'，。]*)?/gi;

function hostOf(link: string): string | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? link : `http://${link}`).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The links in `text` that point elsewhere than the allowed hosts (empty when all are allowed). */
export function foreignLinks(text: string, hosts: string[]): string[] {
  return [...text.matchAll(LINK_LIKE)].map((m) => m[0]).filter((link) => {
    const host = hostOf(link);
    return !host || !hosts.includes(host);
  });
}

/** Whether `url` is an https link to an allowed host (WeChat menu buttons). */
export function isAllowedHttpsLink(url: string, hosts: string[]): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && hosts.includes(u.host.toLowerCase());
  } catch {
    return false;
  }
}
