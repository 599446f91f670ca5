/**
 * The pipeline's view of publishable items, through the content module's publication hooks
 * (src/content/publication-hooks.ts): which items may be published, their channel-ready content, going live.
 */
import type { ItemKind, PublishableContent } from '../channels/types';
import * as hooks from '../content/publication-hooks';

/** Throws NotFound / Conflict when the item does not exist or is not approved (or already published, for re-sends). */
export async function requirePublishable(kind: ItemKind, id: string): Promise<{ title: string }> {
  const item = await hooks.getPublishable(kind, id);
  return { title: String((item as { title?: string }).title ?? '') };
}

export function contentFor(kind: ItemKind, id: string, publicBaseUrl: string): Promise<PublishableContent> {
  return hooks.toPublishableContent(kind, id, publicBaseUrl);
}

export async function markLive(kind: ItemKind, id: string, at: Date): Promise<void> {
  await hooks.markPublished(kind, id, at);
}
