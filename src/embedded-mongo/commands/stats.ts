/** collStats, dbStats, explain, validate — basic figures computed from the in-memory catalog. */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { Collection } from '../storage/collection';
import { explainAggregate, explainFind } from './read';
import { isView } from './views';
import { asNumber, collectionArg, type CommandTable } from './types';

/** A collection's storage figures, as collStats and `$collStats: { storageStats }` report them. */
export function storageStats(coll: Collection, scale: number): Document {
  const size = coll.dataSize();
  const count = coll.records.size;
  const indexSizes: Document = {};
  for (const idx of coll.indexes.values()) indexSizes[idx.name] = Math.round((idx.size * 32) / scale);
  const totalIndexSize = Object.values(indexSizes).reduce((n: number, v) => n + (v as number), 0);
  return {
    ns: coll.ns,
    count,
    size: Math.round(size / scale),
    avgObjSize: count ? Math.round(size / count) : 0,
    storageSize: Math.round(size / scale),
    freeStorageSize: 0,
    nindexes: coll.indexes.size,
    totalIndexSize,
    totalSize: Math.round(size / scale) + totalIndexSize,
    indexSizes,
    capped: false,
    scaleFactor: scale,
  };
}

export const statsCommands: CommandTable = {
  collStats: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'collStats');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      if (!coll || isView(coll)) throw new CommandError('NamespaceNotFound', `ns not found: ${ctx.db}.${name}`);
      return { ...storageStats(coll, asNumber(cmd.scale) ?? 1), ok: 1 };
    },
  },
  dbStats: {
    run(ctx, cmd) {
      const scale = asNumber(cmd.scale) ?? 1;
      const all = ctx.engine.catalog.collections(ctx.db);
      const colls = all.filter((c) => !isView(c));
      const objects = colls.reduce((n, c) => n + c.records.size, 0);
      const dataSize = colls.reduce((n, c) => n + c.dataSize(), 0);
      const indexes = colls.reduce((n, c) => n + c.indexes.size, 0);
      const indexSize = colls.reduce((n, c) => n + [...c.indexes.values()].reduce((m, i) => m + i.size * 32, 0), 0);
      return {
        db: ctx.db,
        collections: colls.length,
        views: all.length - colls.length,
        objects,
        avgObjSize: objects ? dataSize / objects : 0,
        dataSize: dataSize / scale,
        storageSize: dataSize / scale,
        indexes,
        indexSize: indexSize / scale,
        totalSize: (dataSize + indexSize) / scale,
        scaleFactor: scale,
        fsUsedSize: 0,
        fsTotalSize: 0,
        ok: 1,
      };
    },
  },
  explain: {
    run(ctx, cmd) {
      const inner = cmd.explain as Document;
      if (!inner || typeof inner !== 'object') throw new CommandError('TypeMismatch', 'explain command requires a nested object');
      const verb = Object.keys(inner)[0];
      if (verb === 'aggregate') return explainAggregate(ctx, inner.aggregate, inner.pipeline as Document[] | undefined, inner.collation as Document | undefined);
      if (!['find', 'count', 'distinct', 'update', 'delete', 'findAndModify'].includes(verb)) throw new CommandError('CommandNotSupported', `explain of ${verb} is not supported`);
      if (verb === 'update' || verb === 'delete') {
        const stmt = ((inner[verb === 'update' ? 'updates' : 'deletes'] as Document[]) ?? [])[0] ?? {};
        return explainFind(ctx, { find: inner[verb], filter: stmt.q ?? {} });
      }
      if (verb === 'findAndModify') return explainFind(ctx, { find: inner.findAndModify, filter: inner.query ?? {}, sort: inner.sort, limit: 1 });
      return explainFind(ctx, { ...inner, find: inner[verb] });
    },
  },
  validate: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'validate');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      if (!coll) throw new CommandError('NamespaceNotFound', `Collection '${ctx.db}.${name}' does not exist to validate.`);
      return { ns: coll.ns, nrecords: coll.records.size, nIndexes: coll.indexes.size, valid: true, errors: [], warnings: [], ok: 1 };
    },
  },
};
