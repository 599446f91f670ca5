/**
 * Choices staff pick from instead of typing ids: regions, topics, users, and items (deputies, groups, cases)
 * searched by name. Loaded once per session and shared by every screen.
 */
import { reactive } from 'vue';
import { request } from '../api/http';
import type { ContentItem, Page, UserRow } from '../api/types';

export interface ItemOption {
  id: string;
  label: string;
  detail?: string;
}

const state = reactive({
  regions: [] as string[],
  topics: [] as string[],
  users: [] as Pick<UserRow, 'id' | 'displayName'>[],
  loaded: new Set<string>(),
});

const PICK_LIST: Record<'regions' | 'topics' | 'users', string> = { regions: '/api/admin/regions', topics: '/api/admin/topics', users: '/api/admin/people' };

/** Regions come as a tree (city → county → township); every level is a choice. */
function flatten(list: unknown[]): string[] {
  return list.flatMap((i: any) => [entryName(i), ...(Array.isArray(i?.children) ? flatten(i.children) : [])]);
}

/** A pick-list entry may be a string or an object naming itself. */
function entryName(i: unknown): string {
  if (typeof i === 'string') return i;
  const o = (i ?? {}) as Record<string, unknown>;
  return String(o.name ?? o.value ?? o.label ?? o.topic ?? '');
}

function uniq(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

async function loadOne(name: 'regions' | 'topics' | 'users'): Promise<void> {
  if (state.loaded.has(name)) return;
  state.loaded.add(name);
  try {
    const res = await request<unknown>('GET', PICK_LIST[name]);
    const list = (Array.isArray(res) ? res : ((res as { items?: unknown[] }).items ?? [])) as unknown[];
    if (name === 'users') state.users = list.map((u: any) => ({ id: String(u.id), displayName: String(u.displayName ?? u.name ?? u.username) }));
    else state[name] = uniq(flatten(list));
    return;
  } catch {
    // No pick-list endpoint: gather from what the lists return.
  }
  try {
    if (name === 'users') {
      state.users = (await request<{ items: UserRow[] }>('GET', '/api/admin/users')).items;
    } else if (name === 'regions') {
      const res = await request<Page<ContentItem>>('GET', '/api/admin/deputies?pageSize=100');
      state.regions = uniq(res.items.flatMap((d) => [d.region?.city, d.region?.county, d.region?.township]));
    } else {
      const res = await request<Page<ContentItem>>('GET', '/api/admin/articles?pageSize=100');
      state.topics = uniq(res.items.flatMap((d) => d.topics ?? []));
    }
  } catch {
    // Not allowed for this role: the field stays free text.
  }
}

const SEGMENTS = { deputy: 'deputies', group: 'groups', case: 'cases', article: 'articles' } as const;
const nameCache = new Map<string, string>();

/** Items of a kind whose name matches `q`, for remote-search selects. */
export async function searchItems(kind: keyof typeof SEGMENTS, q: string): Promise<ItemOption[]> {
  const params = new URLSearchParams({ pageSize: '20' });
  if (q.trim()) params.set('q', q.trim());
  const res = await request<Page<ContentItem>>('GET', `/api/admin/${SEGMENTS[kind]}?${params}`);
  return res.items.map((i) => {
    const label = String(i.name ?? i.title ?? i.id);
    nameCache.set(i.id, label);
    const r = i.region ?? {};
    return { id: i.id, label, detail: [r.city, r.county, r.township].filter(Boolean).join(' ') };
  });
}

/** Names for ids already chosen (so a select shows names, not ids). */
export async function namesFor(kind: keyof typeof SEGMENTS, ids: string[]): Promise<ItemOption[]> {
  const out: ItemOption[] = [];
  await Promise.all(
    ids.map(async (id) => {
      if (!nameCache.has(id)) {
        try {
          const item = await request<ContentItem>('GET', `/api/admin/${SEGMENTS[kind]}/${id}`);
          nameCache.set(id, String(item.name ?? item.title ?? id));
        } catch {
          nameCache.set(id, '（已删除）');
        }
      }
      out.push({ id, label: nameCache.get(id)! });
    }),
  );
  return out;
}

export function usePickLists() {
  return {
    get regions() {
      return state.regions;
    },
    get topics() {
      return state.topics;
    },
    get users() {
      return state.users;
    },
    userName(id: string | undefined): string {
      return state.users.find((u) => u.id === id)?.displayName ?? '';
    },
    load: (names: ('regions' | 'topics' | 'users')[]) => Promise.all(names.map(loadOne)),
  };
}
