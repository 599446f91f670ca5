/** The deputy groups a user plans and records activities for, with their roll-call roster (members). */
import { reactive } from 'vue';
import { request } from '../api/http';
import type { RosterGroup } from '../api/ops-types';

const cache = reactive({ mine: null as RosterGroup[] | null, byId: new Map<string, RosterGroup>() });

/** A liaison's own groups (admins and readers: none unless asked by id). */
export async function myGroups(): Promise<RosterGroup[]> {
  if (!cache.mine) {
    cache.mine = (await request<{ items: RosterGroup[] }>('GET', '/api/admin/activity-groups')).items;
    for (const g of cache.mine) cache.byId.set(g.id, g);
  }
  return cache.mine;
}

/** One group with its members (any group for admins and readers; a liaison only their own). */
export async function rosterOf(groupId: string): Promise<RosterGroup | undefined> {
  if (!cache.byId.has(groupId)) {
    const [g] = (await request<{ items: RosterGroup[] }>('GET', `/api/admin/activity-groups?ids=${groupId}`)).items;
    if (g) cache.byId.set(g.id, g);
  }
  return cache.byId.get(groupId);
}
