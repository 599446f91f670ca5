/**
 * Fixtures for the partner suites: images uploaded through the media API, published items written through the
 * content models (the workflow is tested elsewhere), partners and keys through the partner API, and a webhook
 * receiver that checks signatures with its own HMAC code written from the README's description.
 */
import { expect } from 'chai';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { Article } from '../../src/content/models/article';
import { Deputy } from '../../src/content/models/deputy';
import { regionKeysOf } from '../../src/content/models/publishable';
import type { TestApp, TestResponse } from '../support/app';

const SYSTEM_USER = new Types.ObjectId();

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, `${res.status} ${res.text.slice(0, 500)}`).to.equal(status);
}

export interface UploadedImage {
  id: string;
  /** Site paths of the variants. */
  urls: { original: string; cover: string; list: string };
  bytes: Buffer;
}

/** Uploads a JPEG of the given size through POST /api/admin/media. */
export async function uploadImage(app: TestApp, token: string, width: number, height: number, alt: string, shade = 90): Promise<UploadedImage> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: shade, g: 120, b: 60 } } }).jpeg({ quality: 90 }).toBuffer();
  const fd = new FormData();
  fd.append('alt', alt);
  fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `photo-${shade}.jpg`);
  const res = await app.request('POST', '/api/admin/media', { token, rawBody: fd });
  expectStatus(res, 201);
  return { id: res.body.id, urls: res.body.urls, bytes };
}

export interface ItemOptions {
  title: string;
  body?: string;
  region?: { city?: string; county?: string; township?: string };
  topics?: string[];
  byline?: string;
  coverMediaId?: string;
  relatedDeputyIds?: string[];
  publishedAt?: Date;
  status?: 'published' | 'approved';
}

export async function article(options: ItemOptions): Promise<string> {
  const at = options.publishedAt ?? new Date();
  const region = options.region ?? { city: '海州市', county: '东湖区' };
  const doc = await Article.create({
    title: options.title,
    slug: `a-${new Types.ObjectId().toHexString()}`,
    body: options.body ?? `代表们走进社区，听取群众对${options.title}的意见。`,
    digest: `${options.title}的摘要`,
    byline: options.byline,
    region,
    regionKeys: regionKeysOf(region),
    topics: options.topics ?? [],
    coverMediaId: options.coverMediaId ? new Types.ObjectId(options.coverMediaId) : undefined,
    relatedDeputyIds: (options.relatedDeputyIds ?? []).map((id) => new Types.ObjectId(id)),
    status: options.status ?? 'published',
    ...(options.status === 'approved' ? {} : { publishedAt: at, firstPublishedAt: at }),
    version: 1,
    createdBy: SYSTEM_USER,
    updatedBy: SYSTEM_USER,
    createdAt: at,
    updatedAt: at,
  });
  return String(doc._id);
}

export async function deputy(name: string, published = true): Promise<string> {
  const at = new Date();
  const region = { city: '海州市', county: '东湖区', township: '青山镇' };
  const doc = await Deputy.create({
    name,
    level: 'county',
    slug: `d-${new Types.ObjectId().toHexString()}`,
    story: `${name}扎根基层二十年，**带领**村民修路。`,
    occupation: '村党支部书记',
    highlights: [{ label: '履职年限', value: '20 年' }],
    phones: ['13900000001'],
    region,
    regionKeys: regionKeysOf(region),
    status: published ? 'published' : 'approved',
    ...(published ? { publishedAt: at, firstPublishedAt: at } : {}),
    version: 1,
    createdBy: SYSTEM_USER,
    updatedBy: SYSTEM_USER,
    createdAt: at,
    updatedAt: at,
  });
  return String(doc._id);
}

export const contact = { name: '李编辑', title: '专栏主编', phone: '0510-88886666', email: 'li@example.test' };

export async function createPartner(app: TestApp, token: string, body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/admin/partners', { token, body: { kind: 'newspaper', contact, ...body } });
  expectStatus(res, 201);
  return res.body;
}

export async function issueKey(app: TestApp, adminToken: string, partnerId: string): Promise<string> {
  const res = await app.request('POST', `/api/admin/partners/${partnerId}/keys`, { token: adminToken, body: { label: '采编系统' } });
  expectStatus(res, 201);
  return res.body.key as string;
}

export interface ReceivedPush {
  eventId: string;
  attempt: number;
  signatureOk: boolean;
  body: any;
  raw: string;
}

/**
 * A partner's endpoint. It verifies `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` itself, refuses a
 * bad signature with 401, and keeps each event once (de-duplicating by X-Lianxin-Event-Id, as the README asks).
 * `behaviour` decides per request: answer a status, hang (never answer), or answer after a delay.
 */
export class WebhookReceiver {
  readonly requests: ReceivedPush[] = [];
  readonly stored = new Map<string, any>();
  secret = '';
  behaviour: (n: number) => { status?: number; hang?: boolean; delayMs?: number } = () => ({ status: 200 });
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(private readonly now: () => number) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/lianxin`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signatureOk = verify(this.secret, String(req.headers['x-lianxin-signature'] ?? ''), raw, Math.floor(this.now() / 1000));
        const push: ReceivedPush = {
          eventId: String(req.headers['x-lianxin-event-id'] ?? ''),
          attempt: Number(req.headers['x-lianxin-delivery-attempt']),
          signatureOk,
          body: JSON.parse(raw),
          raw,
        };
        this.requests.push(push);
        const plan = this.behaviour(this.requests.length);
        if (plan.hang) {
          // Takes the event in, then never answers (a crash or a timeout on our side).
          if (signatureOk && !this.stored.has(push.eventId)) this.stored.set(push.eventId, push.body);
          this.hanging.add(res);
          return;
        }
        const answer = () => {
          if (!signatureOk) return void res.writeHead(401).end('bad signature');
          const status = plan.status ?? 200;
          if (status < 300 && !this.stored.has(push.eventId)) this.stored.set(push.eventId, push.body);
          res.writeHead(status).end();
        };
        if (plan.delayMs) setTimeout(answer, plan.delayMs);
        else answer();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.stored.clear();
    this.behaviour = () => ({ status: 200 });
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

/** Written from the README's description, not with the app's code. */
function verify(secret: string, header: string, body: string, nowSeconds: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || !secret) return false;
  if (Math.abs(nowSeconds - Number(m[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}
