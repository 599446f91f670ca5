/** create, drop, dropDatabase, listCollections, listDatabases, renameCollection. */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from '../errors';
import { splitNs, validateCollectionName } from '../storage/catalog';
import { ID_INDEX_SPEC } from '../storage/collection';
import { normaliseCollation } from '../query/collation';
import { asDoc, asNumber, collectionArg, type CommandTable } from './types';
import { databaseSizeOnDisk } from './stats';
import { checkValidatorSpec } from './validation';
import { isView, viewOptions } from './views';

/** Databases mongod always has; `show dbs` lists them. */
const SYSTEM_DATABASES = ['admin', 'config', 'local'];

export const collectionCommands: CommandTable = {
  create: {
    write: true,
    run(ctx, cmd) {
      const name = validateCollectionName(collectionArg(cmd, 'create'));
      if (ctx.engine.catalog.get(ctx.db, name)) throw new CommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
      if (cmd.viewOn !== undefined) {
        ctx.engine.catalog.ensure(ctx.db, name, viewOptions(cmd));
        return { ok: 1 };
      }
      const options: Document = {};
      for (const [k, v] of Object.entries(cmd)) {
        if (k === 'create' || k.startsWith('$') || k === 'lsid' || k === 'writeConcern' || k === 'txnNumber') continue;
        options[k] = v;
      }
      if (options.collation !== undefined) {
        options.collation = normaliseCollation(asDoc(options.collation, 'collation') ?? {});
        if (options.collation.locale === 'simple') delete options.collation;
      }
      checkValidatorSpec(options);
      ctx.engine.catalog.ensure(ctx.db, name, options);
      return { ok: 1 };
    },
  },
  drop: {
    write: true,
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'drop');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const nIndexesWas = coll?.indexes.size ?? 0;
      ctx.engine.catalog.drop(ctx.db, name);
      return coll ? { nIndexesWas, ns: `${ctx.db}.${name}`, ok: 1 } : { ok: 1 };
    },
  },
  dropDatabase: {
    write: true,
    run(ctx) {
      ctx.engine.catalog.dropDatabase(ctx.db);
      return { dropped: ctx.db, ok: 1 };
    },
  },
  listCollections: {
    run(ctx, cmd) {
      const filter = asDoc(cmd.filter, 'filter');
      const nameOnly = cmd.nameOnly === true;
      let infos: Document[] = ctx.engine.catalog.collections(ctx.db).map((c) => {
        const { uuid, ...options } = c.options;
        if (isView(c)) return nameOnly ? { name: c.name, type: 'view' } : { name: c.name, type: 'view', options, info: { readOnly: true } };
        return nameOnly
          ? { name: c.name, type: 'collection' }
          : { name: c.name, type: 'collection', options, info: { readOnly: false, uuid: uuid ?? c.uuid }, idIndex: ID_INDEX_SPEC };
      });
      if (filter && Object.keys(filter).length) infos = new Query(filter).find(infos).all() as Document[];
      const batchSize = asNumber((cmd.cursor as Document | undefined)?.batchSize);
      return ctx.engine.cursors.open(`${ctx.db}.$cmd.listCollections`, infos.map((doc) => ({ doc })), batchSize);
    },
  },
  listDatabases: {
    run(ctx, cmd) {
      const filter = asDoc(cmd.filter, 'filter');
      const names = [...new Set([...SYSTEM_DATABASES, ...ctx.engine.catalog.databases()])].sort();
      const factor = cmd.nameOnly === true ? 1 : ctx.engine.store.storageFactor();
      let dbs: Document[] = names.map((name) => {
        if (cmd.nameOnly === true) return { name };
        // mongod's system databases always hold something (users, sessions, the startup log)
        const size = databaseSizeOnDisk(ctx.engine, name, factor) + (SYSTEM_DATABASES.includes(name) ? 8192 : 0);
        return { name, sizeOnDisk: size, empty: size === 0 };
      });
      if (filter && Object.keys(filter).length) dbs = new Query(filter).find(dbs).all() as Document[];
      if (cmd.nameOnly === true) return { databases: dbs, ok: 1 };
      const totalSize = dbs.reduce((n, d) => n + Number(d.sizeOnDisk ?? 0), 0);
      return { databases: dbs, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
    },
  },
  renameCollection: {
    write: true,
    run(ctx, cmd) {
      if (typeof cmd.renameCollection !== 'string' || typeof cmd.to !== 'string') throw new CommandError('TypeMismatch', 'renameCollection and to must be namespace strings');
      const [fromDb, fromName] = splitNs(cmd.renameCollection);
      const [toDb, toName] = splitNs(cmd.to);
      validateCollectionName(toName);
      const from = ctx.engine.catalog.get(fromDb, fromName);
      if (!from) throw new CommandError('NamespaceNotFound', 'Source collection ' + cmd.renameCollection + ' does not exist');
      if (ctx.engine.catalog.get(toDb, toName)) {
        if (cmd.dropTarget !== true) throw new CommandError('NamespaceExists', 'target namespace exists');
        ctx.engine.catalog.drop(toDb, toName);
      }
      ctx.engine.catalog.rename(from, toDb, toName);
      return { ok: 1 };
    },
  },
};
