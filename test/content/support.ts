/** Shared set-up for content tests: one running app per file, a signed-in user per role, small HTTP helpers. */
import { expect } from 'chai';
import { startTestApp, type TestApp, type TestResponse } from '../support/app';
import type { Role } from '../../src/auth/roles';

export interface Users {
  admin: string;
  editor: string;
  editor2: string;
  reviewer: string;
  organizer: string;
  ids: Record<'admin' | 'editor' | 'editor2' | 'reviewer' | 'organizer', string>;
}

export async function startContentApp(name: string): Promise<{ app: TestApp; users: Users }> {
  const app = await startTestApp({ name });
  const sign = (role: Role, display: string) => app.loginAs(role, display);
  const [admin, editor, editor2, reviewer, organizer] = await Promise.all([
    sign('admin', '管理员'),
    sign('editor', '编辑小王'),
    sign('editor', '编辑小张'),
    sign('reviewer', '审核老李'),
    sign('organizer', '组织者'),
  ]);
  return {
    app,
    users: {
      admin: admin.token,
      editor: editor.token,
      editor2: editor2.token,
      reviewer: reviewer.token,
      organizer: organizer.token,
      ids: { admin: admin.userId, editor: editor.userId, editor2: editor2.userId, reviewer: reviewer.userId, organizer: organizer.userId },
    },
  };
}

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, `${res.status} ${res.text}`).to.equal(status);
}

/** The field names a 400 response complains about. */
export function problemFields(res: TestResponse): string[] {
  return ((res.body?.error?.details ?? []) as { field: string }[]).map((p) => p.field);
}
