/**
 * The declared routes a signed-in user may call, as "METHOD /path" in the OpenAPI document's spelling. The console
 * shows its menus and buttons from this list, so what it offers can never differ from what the API allows.
 */
import { hasRole, type AuthenticatedUser } from '../auth/roles';
import type { RouteDefinition } from './api-router';
import { toOpenApiPath } from './openapi';

export class RouteCatalog {
  private routes: RouteDefinition[] = [];

  install(routes: RouteDefinition[]): void {
    this.routes = routes;
  }

  operationsFor(user: AuthenticatedUser): string[] {
    return this.routes
      .filter((r) => r.access !== 'public' && (r.access === 'authenticated' || hasRole(user, r.access)))
      .map((r) => `${r.method.toUpperCase()} ${toOpenApiPath(r.path)}`);
  }
}
