/** Title of the open screen for the breadcrumbs, when the route alone cannot name it (e.g. "新闻" vs "典型代表"). */
import { reactive } from 'vue';

export const page = reactive({ title: '' });

export function setPageTitle(title: string): void {
  page.title = title;
  document.title = `${title} · 连心`;
}
