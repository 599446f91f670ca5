/** Screens of the console, with the roles that may open them and the titles the menu and breadcrumbs show. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from './api/types';
import { hasRole, loadSession, session } from './stores/session';
import { OPS_ROUTES } from './ops-routes';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Roles allowed (admin always is); absent: every signed-in user. */
    roles?: Role[];
    /** Public page (sign-in). */
    public?: boolean;
    /** Breadcrumb parent title. */
    section?: string;
    /** Which navigations keep the same view instance (default: every path gets a fresh one). */
    viewKey?: (params: Record<string, string | string[]>) => string;
  }
}

const CONTENT: Role[] = ['editor', 'reviewer', 'organizer'];
const WECHAT: Role[] = ['editor'];
const SUPERVISION: Role[] = ['supervisor', 'organizer', 'reviewer', 'editor'];
/** Media partners: reviewers keep the registry and columns, editors read them and record what ran; keys are admins'. */
const PARTNERS: Role[] = ['editor', 'reviewer'];

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: () => import('./layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/DashboardView.vue'), meta: { title: '我的工作台' } },
      { path: 'password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { title: '修改密码' } },
      { path: 'content/:kind', name: 'content-list', component: () => import('./views/content/ContentList.vue'), meta: { roles: CONTENT, section: '内容管理' } },
      // One route for new and existing items (id "new"), so a first save that gives the item its id keeps the editor.
      { path: 'content/:kind/:id', name: 'content-edit', component: () => import('./views/content/ContentEdit.vue'), meta: { roles: CONTENT, section: '内容管理', viewKey: (p) => `edit:${p.kind}` } },
      { path: 'review', name: 'review-queue', component: () => import('./views/review/ReviewQueue.vue'), meta: { roles: ['reviewer'], title: '待审核', section: '审核发布' } },
      { path: 'review/:kind/:id', name: 'review-item', component: () => import('./views/review/ReviewItem.vue'), meta: { roles: ['reviewer'], title: '审核', section: '审核发布' } },
      { path: 'publish/:kind/:id', name: 'publish', component: () => import('./views/review/PublishView.vue'), meta: { roles: ['reviewer', 'organizer'], title: '发布', section: '审核发布' } },
      { path: 'publications', name: 'publications', component: () => import('./views/review/PublicationList.vue'), meta: { roles: CONTENT, title: '发布记录', section: '审核发布' } },
      { path: 'publications/:id', name: 'publication', component: () => import('./views/review/PublicationView.vue'), meta: { roles: CONTENT, title: '投递进度', section: '审核发布' } },
      { path: 'meetings', name: 'meetings', component: () => import('./views/meetings/MeetingList.vue'), meta: { roles: ['organizer'], title: '会议列表', section: '会议活动' } },
      { path: 'meetings/new', name: 'meeting-new', component: () => import('./views/meetings/MeetingEdit.vue'), meta: { roles: ['organizer'], title: '新建会议', section: '会议活动' } },
      { path: 'meetings/:id', name: 'meeting', component: () => import('./views/meetings/MeetingDetail.vue'), meta: { roles: ['organizer'], title: '会议详情', section: '会议活动' } },
      { path: 'meetings/:id/edit', name: 'meeting-edit', component: () => import('./views/meetings/MeetingEdit.vue'), meta: { roles: ['organizer'], title: '编辑会议', section: '会议活动' } },
      { path: 'wechat/keywords', name: 'keywords', component: () => import('./views/wechat/KeywordRules.vue'), meta: { roles: WECHAT, title: '关键词回复', section: '微信公众号' } },
      { path: 'wechat/menu', name: 'menu', component: () => import('./views/wechat/MenuEditor.vue'), meta: { roles: WECHAT, title: '自定义菜单', section: '微信公众号' } },
      { path: 'wechat/followers', name: 'followers', component: () => import('./views/wechat/FollowersView.vue'), meta: { roles: WECHAT, title: '粉丝统计', section: '微信公众号' } },
      { path: 'sms/outbox', name: 'outbox', component: () => import('./views/sms/OutboxView.vue'), meta: { roles: ['admin', 'editor', 'organizer'], title: '短信发件箱', section: '短信' } },
      { path: 'sms/opt-outs', name: 'opt-outs', component: () => import('./views/sms/OptOutsView.vue'), meta: { roles: ['organizer'], title: '退订号码', section: '短信' } },
      { path: 'system/users', name: 'users', component: () => import('./views/system/UsersView.vue'), meta: { roles: ['admin'], title: '用户与角色', section: '系统管理' } },
      { path: 'system/site', name: 'site-settings', component: () => import('./views/system/SiteSettings.vue'), meta: { roles: ['admin'], title: '站点信息', section: '系统管理' } },
      { path: 'system/channels', name: 'channels', component: () => import('./views/system/ChannelStatus.vue'), meta: { roles: ['admin'], title: '渠道状态', section: '系统管理' } },
      // Media partners (报纸、电视台专题专栏).
      { path: 'partners', name: 'partners', component: () => import('./views/partners/PartnerList.vue'), meta: { roles: PARTNERS, title: '合作媒体', section: '媒体合作' } },
      { path: 'partners/:id', name: 'partner', component: () => import('./views/partners/PartnerDetail.vue'), meta: { roles: PARTNERS, title: '媒体详情', section: '媒体合作' } },
      { path: 'partner-columns', name: 'partner-columns', component: () => import('./views/partners/ColumnSchedule.vue'), meta: { roles: PARTNERS, title: '栏目排期', section: '媒体合作' } },
      { path: 'media-coverage', name: 'media-coverage', component: () => import('./views/partners/MediaCoverage.vue'), meta: { roles: PARTNERS, title: '媒体报道', section: '媒体合作' } },
      { path: 'reports', name: 'reports', component: () => import('./views/system/MonthlyReport.vue'), meta: { roles: CONTENT, title: '月度汇总', section: '统计报表' } },
      // Supervision and evaluation (督导考评).
      { path: 'supervision/reports', name: 'supervision-reports', component: () => import('./views/supervision/SupervisionReports.vue'), meta: { roles: SUPERVISION, title: '督导报告', section: '督导考评' } },
      { path: 'supervision/problems', name: 'supervision-problems', component: () => import('./views/supervision/SupervisionProblems.vue'), meta: { roles: SUPERVISION, title: '问题清单', section: '督导考评' } },
      { path: 'supervision/evaluation', name: 'evaluation', component: () => import('./views/supervision/EvaluationView.vue'), meta: { roles: SUPERVISION, title: '考评', section: '督导考评' } },
      ...OPS_ROUTES,
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/admin/'), routes });

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession().catch(() => null);
  if (to.meta.public) return session.user && to.name === 'login' ? { name: 'home' } : true;
  if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (to.meta.roles && !hasRole(...to.meta.roles)) return { name: 'home', query: { denied: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '管理后台'} · 连心`;
});
