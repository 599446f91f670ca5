import type { AppContext } from '../../http/context';
import type { Actor } from '../context';

export function actorOf(ctx: AppContext): Actor {
  const u = ctx.state.user!;
  return { id: u.id, displayName: u.displayName, role: u.role, departmentId: u.departmentId };
}
