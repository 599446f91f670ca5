/**
 * collStats, dbStats, explain, validate. Sizes come from the figures the store keeps with every write (documents
 * and BSON bytes per collection, entries and bytes per index): nothing is scanned, at any size. `size`/`dataSize`
 * are exact BSON bytes, as mongod reports them; storage sizes are those bytes scaled by the data file's pages in
 * use per kept byte (collections share SQLite's tables, so no page belongs to one collection alone).
 */
import { statfsSync } from 'node:fs';
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { Collection } from '../storage/collection';
import type { Engine } from '../engine';
import { explainAggregate, explainFind } from './read';
import { isView } from './views';
import { asNumber, collectionArg, type CommandTable } from './types';

interface CollectionSizes {
  count: number;
  /** BSON bytes of the documents */
  size: number;
  storageSize: number;
  indexSizes: Record<string, number>;
  totalIndexSize: number;
}

/** A collection's figures in bytes, unscaled; `factor` from SqliteStore.storageFactor (read once per command). */
export function collectionSizes(coll: Collection, factor: number): CollectionSizes {
  const count = coll.records.size;
  const size = coll.dataSize();
  const indexSizes: Record<string, number> = {};
  let totalIndexSize = 0;
  for (const idx of coll.indexes.values()) {
    totalIndexSize += indexSizes[idx.name] = Math.round(idx.size.bytes * factor);
  }
  return { count, size, storageSize: Math.round(size * factor), indexSizes, totalIndexSize };
}

/** A collection's storage figures, as collStats and `$collStats: { storageStats }` report them. */
export function storageStats(engine: Engine, coll: Collection, scale: number): Document {
  const s = collectionSizes(coll, engine.store.storageFactor());
  const scaled = (n: number) => Math.trunc(n / scale);
  const indexSizes: Document = {};
  for (const [name, bytes] of Object.entries(s.indexSizes)) indexSizes[name] = scaled(bytes);
  return {
    ns: coll.ns,
    size: scaled(s.size),
    count: s.count,
    avgObjSize: s.count ? Math.round(s.size / s.count) : 0,
    storageSize: scaled(s.storageSize),
    freeStorageSize: 0,
    capped: false,
    nindexes: coll.indexes.size,
    indexBuilds: [],
    totalIndexSize: scaled(s.totalIndexSize),
    totalSize: scaled(s.storageSize + s.totalIndexSize),
    indexSizes,
    scaleFactor: scale,
  };
}

/** Bytes a database takes on disk (listDatabases' sizeOnDisk): its collections' storage and index sizes. */
export function databaseSizeOnDisk(engine: Engine, db: string, factor = engine.store.storageFactor()): number {
  let total = 0;
  for (const c of engine.catalog.collections(db)) {
    if (isView(c)) continue;
    const s = collectionSizes(c, factor);
    total += s.storageSize + s.totalIndexSize;
  }
  return total;
}

function fileSystemSizes(dbPath: string): { fsUsedSize: number; fsTotalSize: number } {
  try {
    const fs = statfsSync(dbPath);
    return { fsUsedSize: (fs.blocks - fs.bfree) * fs.bsize, fsTotalSize: fs.blocks * fs.bsize };
  } catch {
    return { fsUsedSize: 0, fsTotalSize: 0 };
  }
}

export const statsCommands: CommandTable = {
  collStats: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'collStats');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      if (!coll || isView(coll)) throw new CommandError('NamespaceNotFound', `ns not found: ${ctx.db}.${name}`);
      return { ...storageStats(ctx.engine, coll, asNumber(cmd.scale) ?? 1), ok: 1 };
    },
  },
  dbStats: {
    run(ctx, cmd) {
      const scale = asNumber(cmd.scale) ?? 1;
      const all = ctx.engine.catalog.collections(ctx.db);
      const colls = all.filter((c) => !isView(c));
      const factor = ctx.engine.store.storageFactor();
      let objects = 0, dataSize = 0, storageSize = 0, indexes = 0, indexSize = 0;
      for (const c of colls) {
        const s = collectionSizes(c, factor);
        objects += s.count;
        dataSize += s.size;
        storageSize += s.storageSize;
        indexes += c.indexes.size;
        indexSize += s.totalIndexSize;
      }
      return {
        db: ctx.db,
        collections: colls.length,
        views: all.length - colls.length,
        objects,
        avgObjSize: objects ? dataSize / objects : 0,
        dataSize: dataSize / scale,
        storageSize: storageSize / scale,
        indexes,
        indexSize: indexSize / scale,
        totalSize: (storageSize + indexSize) / scale,
        scaleFactor: scale,
        ...fileSystemSizes(ctx.engine.dbPath),
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
