/** The start page's operations lists: a liaison's coming activities and suggestions waiting on them; a department's assigned ones. */
import { request } from './http';
import type { WorkRow, WorkSection } from './my-work';
import type { Activity, Suggestion } from './ops-types';
import type { Page } from './types';
import { session } from '../stores/session';
import { beijingDate, now } from '../utils/time';

const NEXT_STEP: Record<string, string> = { registered: '待梳理', sorted: '待交办', answered: '待测评', rated: '待办结' };

function suggestionRow(s: Suggestion, tag: string, tagType: WorkRow['tagType'] = 'warning'): WorkRow {
  const late = s.deadline && new Date(s.deadline) < now();
  return { id: s.id, title: s.text.slice(0, 40), detail: s.deadline ? `答复期限 ${beijingDate(s.deadline)}` : s.category, at: s.registeredAt, tag: late ? '逾期' : tag, tagType: late ? 'danger' : tagType, to: `/suggestions/${s.id}` };
}

export async function loadOpsWork(): Promise<WorkSection[]> {
  const out: WorkSection[] = [];
  const role = session.user?.role;
  if (role === 'liaison') {
    const planned = await request<Page<Activity>>('GET', '/api/admin/activities?status=planned&pageSize=10');
    out.push({
      key: 'planned-activities',
      title: '计划中的小组活动',
      empty: '没有计划中的活动',
      more: '/activities',
      rows: planned.items.map((a) => ({ id: a.id, title: `${a.groupName}：${a.subject}`, detail: a.place, at: a.startsAt, tag: new Date(a.startsAt) < now() ? '待记录' : '计划', tagType: new Date(a.startsAt) < now() ? 'warning' : 'primary', to: new Date(a.startsAt) < now() ? `/activities/${a.id}/record` : `/activities/${a.id}` })),
    });
    const waiting = await Promise.all(Object.keys(NEXT_STEP).map((st) => request<Page<Suggestion>>('GET', `/api/admin/suggestions?status=${st}&pageSize=10`).then((p) => p.items.map((s) => suggestionRow(s, NEXT_STEP[st], 'primary')))));
    out.push({ key: 'suggestions-waiting', title: '待我办理的意见建议', empty: '没有待办的意见建议', more: '/suggestions', rows: waiting.flat().slice(0, 20) });
    const overdue = await request<Page<Suggestion>>('GET', '/api/admin/suggestions/overdue?pageSize=10');
    out.push({ key: 'suggestions-overdue', title: '逾期未答复', empty: '没有逾期的意见建议', more: '/suggestions/overdue', rows: overdue.items.map((s) => suggestionRow(s, '逾期', 'danger')) });
  } else if (role === 'department') {
    const lists = await Promise.all(['assigned', 'transferred'].map((st) => request<Page<Suggestion>>('GET', `/api/admin/suggestions?status=${st}&pageSize=20`).then((p) => p.items)));
    const rows = lists.flat().map((s) => suggestionRow(s, s.leadDepartmentId === session.user?.departmentId ? '待答复' : '协办', 'warning'));
    out.push({ key: 'assigned-to-me', title: '交办给本单位、待答复', empty: '没有待答复的意见建议', more: '/my-suggestions', rows });
  }
  return out;
}
