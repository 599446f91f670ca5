/**
 * What other modules use to serve public pages like the microsite's: the layout (templates/site/layout.njk,
 * blocks `head`, `main`, `scripts`), `renderPage` for uncached pages, `cachedPage` for cached ones (tag them with
 * `itemTag(kind, id)` so item changes drop them), and the friendly 404.
 */
export { renderPage, renderHtml, renderNotFound, cachedPage, layoutData, siteRuntime, type PageMeta, type PageResult } from './runtime';
export { itemTag, listTag } from './change-tags';
export { siteModule, relayItemChanges } from './module';
