/**
 * Views (`create` with `viewOn` + `pipeline`): stored in the catalog as a collection entry whose options
 * carry `viewOn`/`pipeline` and which never holds documents. Reads resolve the chain of views down to a
 * real collection and run the concatenated pipeline before the read's own stages, as mongod does;
 * writes to a view answer 166 CommandNotSupportedOnView.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { Collection } from '../storage/collection';
import type { CommandContext } from './types';

export interface ResolvedView {
  /** the real collection at the bottom of the chain */
  source: string;
  pipeline: Document[];
  /** the view's own collation (a view's reads use it) */
  collation?: Document;
}

export function isView(coll: Collection | undefined): boolean {
  return !!coll && typeof coll.options.viewOn === 'string';
}

/** The view `name` resolved down to its source collection, or undefined if `name` is not a view. */
export function resolveView(ctx: CommandContext, name: string): ResolvedView | undefined {
  let coll = ctx.engine.catalog.get(ctx.db, name);
  if (!isView(coll)) return undefined;
  const collation = coll!.options.collation as Document | undefined;
  const stages: Document[][] = [];
  const seen = new Set<string>();
  let source = name;
  while (coll && isView(coll)) {
    if (seen.has(source)) throw new CommandError('InternalError', `View cycle detected at ${ctx.db}.${source}`);
    seen.add(source);
    stages.unshift((coll.options.pipeline as Document[] | undefined) ?? []);
    source = String(coll.options.viewOn);
    coll = ctx.engine.catalog.get(ctx.db, source);
  }
  return { source, pipeline: stages.flat(), collation };
}

export function assertNotView(ctx: CommandContext, name: string): void {
  if (isView(ctx.engine.catalog.get(ctx.db, name))) {
    throw new CommandError('CommandNotSupportedOnView', `Namespace ${ctx.db}.${name} is a view, not a collection`);
  }
}

/** Checks a `create` with `viewOn` and returns the options to store. */
export function viewOptions(cmd: Document): Document {
  if (typeof cmd.viewOn !== 'string' || !cmd.viewOn) throw new CommandError('TypeMismatch', "'viewOn' option must be specified as a string");
  const pipeline = cmd.pipeline ?? [];
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline as Document[]) {
    const op = Object.keys(stage ?? {})[0];
    if (op === '$out' || op === '$merge') throw new CommandError('OptionNotSupportedOnView', `${op} cannot be used in a view definition`);
  }
  for (const k of Object.keys(cmd)) {
    if (['create', 'viewOn', 'pipeline', 'collation', 'writeConcern', 'lsid', 'txnNumber', 'comment'].includes(k) || k.startsWith('$')) continue;
    throw new CommandError('InvalidOptions', `option '${k}' is not supported when creating a view`);
  }
  const options: Document = { viewOn: cmd.viewOn, pipeline };
  if (cmd.collation) options.collation = cmd.collation;
  return options;
}
