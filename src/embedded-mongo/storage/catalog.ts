/** Databases and their collections, loaded from the store at startup and kept in step with it. */
import { serialize, deserialize, type Document } from 'bson';
import { CommandError } from '../errors';
import { CollectionIndex } from '../indexes/collection-index';
import { Collection, ID_INDEX_SPEC } from './collection';
import type { DocumentCache } from './document-cache';
import type { SqliteStore } from './sqlite-store';

/**
 * The data file's format: 1 = a collated index's tree holds collation keys (collation-keys.ts);
 * 2 = a 2dsphere index's tree holds S2 cell keys (geo-cells.ts); 3 = a 2d index's tree holds Z-order cell keys (flat-cells.ts).
 */
const FORMAT_VERSION = 3;

/** Whether an index's tree, written under an older format, holds keys of another kind and is rebuilt once. */
function keysChangedSince(format: number, spec: Document): boolean {
  if (format < 1 && spec.collation) return true;
  const kinds = Object.values(spec.key as Document);
  return (format < 2 && kinds.includes('2dsphere')) || (format < 3 && kinds.includes('2d'));
}

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

  constructor(
    readonly store: SqliteStore,
    private readonly cache: DocumentCache,
  ) {}

  /**
   * Opens the stored collections and their indexes — names, specs and index trees only: documents and index
   * entries stay on disk. An index without a tree (a data file written before index trees) is built once, here.
   */
  load(): void {
    const trees = new Map<string, { ix: number; multikey: number }>();
    for (const t of this.store.indexTrees()) trees.set(`${t.ns}\u0000${t.name}`, t);
    const format = this.store.formatVersion;
    const upgrading = format < FORMAT_VERSION;
    const specs = new Map<string, Document[]>();
    for (const { ns, name, spec } of this.store.indexes()) {
      if (name === '_id_') continue;
      if (!specs.has(ns)) specs.set(ns, []);
      specs.get(ns)!.push(deserialize(spec));
    }
    const treeOrder = (ns: string, spec: Document) => trees.get(`${ns}\u0000${String(spec.name)}`)?.ix ?? Number.MAX_SAFE_INTEGER;
    for (const { ns, options } of this.store.collections()) {
      const [db, name] = splitNs(ns);
      const indexes = new Map<string, CollectionIndex>();
      const c = new Collection(db, name, this.store, this.cache, deserialize(options), indexes);
      const ordered = [ID_INDEX_SPEC, ...(specs.get(ns) ?? []).sort((a, b) => treeOrder(ns, a) - treeOrder(ns, b))];
      for (const spec of ordered) {
        let tree = trees.get(`${ns}\u0000${String(spec.name)}`);
        if (tree && upgrading && keysChangedSince(format, spec as Document)) {
          this.store.transaction(() => this.store.dropIndexTree(tree!.ix));
          tree = undefined;
        }
        // A rebuilt index keeps the documents it already had, as mongod keeps an index across an upgrade.
        const idx = tree
          ? new CollectionIndex(spec, { store: this.store, ix: tree.ix, multikeyFields: tree.multikey })
          : this.store.transaction(() => c.buildIndex(spec, !upgrading));
        indexes.set(idx.name, idx);
      }
      this.attach(c);
    }
    if (upgrading) this.store.formatVersion = FORMAT_VERSION;
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
    const c = new Collection(db, name, this.store, this.cache, {});
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
    const c = from.renamedTo(toDb, toName);
    this.store.renameCollection(from.ns, c.ns);
    this.detach(from);
    this.attach(c);
    this.store.onRollback(() => {
      this.detach(c);
      this.attach(from);
    });
  }
}
