/**
 * Which mongoose model holds each kind of publishable item. The workflow, the publication hooks and the
 * revision store look kinds up here, so another module (meetings) joins by registering its model once.
 */
import type { Model } from 'mongoose';
import { NotFoundError } from '../../errors';
import type { ItemKind } from '../enums';
import type { PublishableFields } from '../models/publishable';

export interface WorkflowKind {
  kind: ItemKind;
  /** A model whose schema uses `publishablePlugin`. */
  model: Model<any>;
  /** Field holding the display title ("title" or "name"). */
  titleField: string;
  /** Field holding the Markdown body. */
  bodyField: string;
  /** Chinese label for messages, e.g. "新闻". */
  label: string;
  /**
   * Fields that revisions snapshot and restore (the editable content). Workflow fields are never in it.
   * Private fields listed here (deputy phones) are stored in revisions, which only the admin API reads.
   */
  editableFields: readonly string[];
  /** Fields computed from the editable ones on every save and restore (auto digest, region keys…). */
  derive?: (fields: Record<string, unknown>) => Record<string, unknown>;
}

const kinds = new Map<ItemKind, WorkflowKind>();

export function registerWorkflowKind(spec: WorkflowKind): void {
  kinds.set(spec.kind, spec);
}

export function workflowKind(kind: ItemKind): WorkflowKind {
  const spec = kinds.get(kind);
  if (!spec) throw new NotFoundError(`未知的内容类型：${kind}`);
  return spec;
}

export function hasWorkflowKind(kind: string): kind is ItemKind {
  return kinds.has(kind as ItemKind);
}

export type WorkflowDoc = PublishableFields & Record<string, any>;
