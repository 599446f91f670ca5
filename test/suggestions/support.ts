/** Fixtures for the suggestions suites, all through HTTP: deputies by an editor, departments and users by staff. */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp, type TestResponse } from '../support/app';
import type { TestClock } from '../support/clock';

export interface Staff {
  admin: string;
  editor: string;
  liaison: string;
}

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, `${res.status} ${res.text}`).to.equal(status);
}

/**
 * Deadlines of one and two months (configuration, as a local rule would set), and sessions that outlive a test's
 * whole timeline (90 days), so a test can move its clock past a deadline without signing in again.
 */
export async function startSuggestionsApp(name: string, clock: TestClock): Promise<{ app: TestApp; staff: Staff }> {
  const app = await startTestApp({
    name,
    clock,
    env: { SUGGESTION_DEADLINE_MONTHS: '1', SUGGESTION_HARD_DEADLINE_MONTHS: '2', TOKEN_TTL_HOURS: '2160' },
  });
  const [admin, editor, liaison] = await Promise.all([app.loginAs('admin'), app.loginAs('editor'), app.loginAs('liaison', '联络员甲')]);
  // The rates' tallies are built (on the empty database) as the repair job does at start, so the suites read them.
  expectStatus(await app.request('POST', '/api/admin/aggregates/rebuild', { token: admin.token, body: { names: ['suggestions.tallies'] } }), 200);
  return { app, staff: { admin: admin.token, editor: editor.token, liaison: liaison.token } };
}

export async function createDeputy(app: TestApp, staff: Staff, name: string): Promise<string> {
  const res = await app.request('POST', '/api/admin/deputies', { token: staff.editor, body: { name, level: 'county', region: { county: '红安县' } } });
  expectStatus(res, 201);
  return res.body.id;
}

export async function createDepartment(app: TestApp, staff: Staff, name: string, county = '红安县'): Promise<string> {
  const res = await app.request('POST', '/api/admin/departments', {
    token: staff.liaison,
    body: { county, name, contactName: '张科长', contactPhone: '13812345678' },
  });
  expectStatus(res, 201);
  return res.body.id;
}

/** A `department` user of that unit, created by the admin through the users API; returns its token. */
export async function departmentUser(app: TestApp, staff: Staff, departmentId: string): Promise<string> {
  const username = `dept-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  expectStatus(await app.request('POST', '/api/admin/users', { token: staff.admin, body: { username, password, role: 'department', departmentId } }), 201);
  const login = await app.request('POST', '/api/auth/login', { body: { username, password } });
  expectStatus(login, 200);
  return login.body.token;
}

export async function register(app: TestApp, staff: Staff, deputyIds: string[], extra: Record<string, unknown> = {}): Promise<any> {
  const res = await app.request('POST', '/api/admin/suggestions', {
    token: staff.liaison,
    body: { text: '村道年久失修，雨天无法通行', category: '基础设施', region: { county: '红安县', township: '七里坪镇', village: '柳林河村' }, deputyIds, ...extra },
  });
  expectStatus(res, 201);
  return res.body;
}
