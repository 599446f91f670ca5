/** The 承办单位 registry as staff pick from it (liaisons: every unit; department users: their own). */
import { reactive } from 'vue';
import { request } from '../api/http';
import type { Department } from '../api/ops-types';

const state = reactive({ list: [] as Department[], loaded: false });

export async function loadDepartments(force = false): Promise<Department[]> {
  if (!state.loaded || force) {
    state.list = (await request<{ items: Department[] }>('GET', '/api/admin/departments')).items;
    state.loaded = true;
  }
  return state.list;
}

export function useDepartments() {
  void loadDepartments().catch(() => undefined);
  return {
    get list() {
      return state.list;
    },
    inCounty: (county: string | undefined) => state.list.filter((d) => !county || d.county === county),
    name: (id: string | undefined, extra: Record<string, string> = {}) => (id ? (extra[id] ?? state.list.find((d) => d.id === id)?.name ?? '其他单位') : '未交办'),
  };
}
