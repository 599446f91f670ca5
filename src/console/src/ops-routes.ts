/**
 * Screens of the operations capabilities (deputy-group activities and funds, the five coverages, suggestions) and
 * their menu groups, kept beside the publicity ones so each side's routes and menu change on their own.
 */
import type { RouteRecordRaw } from 'vue-router';
import { DataLine, Notebook, Tickets } from '@element-plus/icons-vue';
import type { Role } from './api/types';

/** Who reads activities, funds and coverage; liaisons write their own groups' activities. */
const OPS_READERS: Role[] = ['editor', 'reviewer', 'organizer', 'liaison'];
const LIAISON: Role[] = ['liaison'];
const HANDLERS: Role[] = ['liaison', 'department'];

export const OPS_ROUTES: RouteRecordRaw[] = [
  { path: 'activities', name: 'activities', component: () => import('./views/activities/ActivityList.vue'), meta: { roles: OPS_READERS, title: '活动记录', section: '小组活动' } },
  { path: 'activities/new', name: 'activity-new', component: () => import('./views/activities/ActivityEdit.vue'), meta: { roles: LIAISON, title: '登记活动', section: '小组活动' } },
  { path: 'activities/:id', name: 'activity', component: () => import('./views/activities/ActivityDetail.vue'), meta: { roles: OPS_READERS, title: '活动详情', section: '小组活动' } },
  { path: 'activities/:id/edit', name: 'activity-edit', component: () => import('./views/activities/ActivityEdit.vue'), meta: { roles: LIAISON, title: '修改活动', section: '小组活动' } },
  { path: 'activities/:id/record', name: 'activity-record', component: () => import('./views/activities/ActivityEdit.vue'), meta: { roles: LIAISON, title: '记录开展情况', section: '小组活动' } },
  { path: 'activity-funds', name: 'activity-funds', component: () => import('./views/activities/FundsView.vue'), meta: { roles: OPS_READERS, title: '活动经费', section: '小组活动' } },
  { path: 'coverage', name: 'coverage', component: () => import('./views/coverage/CoverageView.vue'), meta: { roles: OPS_READERS, title: '覆盖情况', section: '五个全覆盖' } },
  { path: 'supervision-visits', name: 'supervision-visits', component: () => import('./views/coverage/SupervisionVisits.vue'), meta: { roles: OPS_READERS, title: '督导记录', section: '小组活动' } },
  { path: 'suggestions', name: 'suggestions', component: () => import('./views/suggestions/SuggestionList.vue'), meta: { roles: LIAISON, title: '意见建议', section: '意见建议' } },
  { path: 'suggestions/new', name: 'suggestion-new', component: () => import('./views/suggestions/SuggestionRegister.vue'), meta: { roles: LIAISON, title: '登记意见建议', section: '意见建议' } },
  { path: 'suggestions/overdue', name: 'suggestions-overdue', component: () => import('./views/suggestions/OverdueList.vue'), meta: { roles: HANDLERS, title: '逾期督办', section: '意见建议' } },
  { path: 'suggestions/rates', name: 'suggestion-rates', component: () => import('./views/suggestions/RatesView.vue'), meta: { roles: LIAISON, title: '办理统计', section: '意见建议' } },
  { path: 'suggestions/:id', name: 'suggestion', component: () => import('./views/suggestions/SuggestionDetail.vue'), meta: { roles: HANDLERS, title: '意见建议办理', section: '意见建议' } },
  { path: 'departments', name: 'departments', component: () => import('./views/suggestions/DepartmentsView.vue'), meta: { roles: LIAISON, title: '承办单位', section: '意见建议' } },
  { path: 'my-suggestions', name: 'my-suggestions', component: () => import('./views/suggestions/SuggestionList.vue'), meta: { roles: ['department'], title: '本单位办理', section: '意见建议' } },
  { path: 'system/weibo', name: 'weibo', component: () => import('./views/system/WeiboAccount.vue'), meta: { roles: ['admin'], title: '微博账号', section: '系统管理' } },
];

interface OpsMenuGroup {
  title: string;
  icon: unknown;
  roles?: Role[];
  children: { path: string; title: string; roles?: Role[] }[];
}

/** Menu groups after the publicity ones (the layout filters them by role like its own). */
export const OPS_MENU: OpsMenuGroup[] = [
  {
    title: '小组活动', icon: Notebook, roles: OPS_READERS,
    children: [
      { path: '/activities', title: '活动记录' },
      { path: '/activity-funds', title: '活动经费' },
      { path: '/supervision-visits', title: '督导记录' },
    ],
  },
  { title: '五个全覆盖', icon: DataLine, roles: OPS_READERS, children: [{ path: '/coverage', title: '覆盖情况' }] },
  {
    title: '意见建议', icon: Tickets, roles: HANDLERS,
    children: [
      { path: '/my-suggestions', title: '交办给本单位', roles: ['department'] },
      { path: '/suggestions', title: '意见建议办理', roles: LIAISON },
      { path: '/suggestions/overdue', title: '逾期督办' },
      { path: '/suggestions/rates', title: '办理统计', roles: LIAISON },
      { path: '/departments', title: '承办单位', roles: LIAISON },
    ],
  },
];

/** Entries the operations add to the layout's own groups, by the group's title. */
export const OPS_MENU_ADDITIONS: Record<string, { path: string; title: string; roles?: Role[] }[]> = {
  系统管理: [{ path: '/system/weibo', title: '微博账号' }],
};
