/** Databases and their collections, loaded from the store at startup and kept in step with it. */
import { serialize, deserialize, type Document } from 'bson';
import { CommandError } from '../errors';
import { Collection } from './collection';
import type { SqliteStore } from './sqlite-store';

export function splitNs(ns: string): [string, string] {
  const dot = ns.indexOf('.');
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

export function validateDbName(db: unknown): string {
  if (typeof db !== 'string' || db.length === 0 || /[/\\. "$\0]/.test(db) || db.length > 63) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${String(db)}'`);
  }
  return db;
}

export function validateCollectionName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || name.includes('$') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${String(name)}`);
  }
  return name;
}

export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  constructor(readonly store: SqliteStore) {}

  load(): void {
    for (const { ns, options } of this.store.collections()) {
      const [db, name] = splitNs(ns);
      this.attach(new Collection(db, name, this.store, deserialize(options)));
    }
    for (const { ns, name, spec } of this.store.indexes()) {
      const [db, coll] = splitNs(ns);
      const c = this.get(db, coll);
      if (c && name !== '_id_') c.addIndex(deserialize(spec), false);
    }
    for (const colls of this.dbs.values()) for (const c of colls.values()) c.loadFromStore();
  }

  private attach(c: Collection): void {
    let colls = this.dbs.get(c.dbName);
    if (!colls) this.dbs.set(c.dbName, (colls = new Map()));
    colls.set(c.name, c);
  }

  private detach(c: Collection): void {
    this.dbs.get(c.dbName)?.delete(c.name);
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created (and persisted) on first use like mongod's implicit creation. */
  ensure(db: string, name: string, options: Document = {}): Collection {
    const existing = this.get(db, name);
    if (existing) return existing;
    validateDbName(db);
    validateCollectionName(name);
    const c = new Collection(db, name, this.store, {});
    c.options = { ...options, uuid: c.uuid };
    this.store.putCollection(c.ns, serialize(c.options));
    this.attach(c);
    this.store.onRollback(() => this.detach(c));
    return c;
  }

  /** Replaces a collection's options (collMod: validator, validationLevel/Action), persisted with the command. */
  setOptions(c: Collection, options: Document): void {
    const before = c.options;
    c.options = { ...options, uuid: c.uuid };
    this.store.putCollection(c.ns, serialize(c.options));
    this.store.onRollback(() => {
      c.options = before;
    });
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  databases(): string[] {
    return [...this.dbs.keys()].filter((d) => (this.dbs.get(d)?.size ?? 0) > 0);
  }

  allCollections(): Collection[] {
    return [...this.dbs.values()].flatMap((m) => [...m.values()]);
  }

  drop(db: string, name: string): boolean {
    const c = this.get(db, name);
    if (!c) return false;
    this.store.dropCollection(c.ns);
    this.detach(c);
    this.store.onRollback(() => this.attach(c));
    return true;
  }

  dropDatabase(db: string): void {
    for (const c of this.collections(db)) this.drop(db, c.name);
    this.dbs.delete(db);
  }

  rename(from: Collection, toDb: string, toName: string): void {
    const c = new Collection(toDb, toName, this.store, from.options);
    for (const [name, idx] of from.indexes) if (name !== '_id_') c.indexes.set(name, idx);
    for (const [k, v] of from.records) c.records.set(k, v);
    for (const idx of c.indexes.values()) if (idx.name === '_id_') idx.bulkLoad([...from.idIndex.entries()]);
    this.store.renameCollection(from.ns, c.ns);
    this.detach(from);
    this.attach(c);
    this.store.onRollback(() => {
      this.detach(c);
      this.attach(from);
    });
  }
}
