/** createIndexes, listIndexes, dropIndexes (and the deprecated deleteIndexes alias). */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { compareBson, typeRank } from '../bson-values';
import { defaultIndexName } from '../indexes/collection-index';
import type { Collection } from '../storage/collection';
import { normaliseCollation } from '../query/collation';
import { asNumber, collectionArg, type CommandContext, type CommandTable } from './types';
import { checkValidatorSpec } from './validation';
import { assertNotView } from './views';

const OPTION_KEYS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds'];

function normalizeSpec(raw: Document): Document {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CommandError('TypeMismatch', "BSON field 'createIndexes.indexes' is the wrong type, expected type 'object'");
  const key = raw.key;
  if (!key || typeof key !== 'object' || Array.isArray(key) || Object.keys(key).length === 0) {
    throw new CommandError('CannotCreateIndex', "Error in specification { key: ... } :: caused by :: The 'key' field must be a non-empty object");
  }
  for (const [f, v] of Object.entries(key as Document)) {
    const ok = (typeof v === 'number' && v !== 0) || ['text', 'hashed', '2dsphere', '2d'].includes(v as string);
    if (!ok) throw new CommandError('CannotCreateIndex', `Values in the index key pattern can't be ${JSON.stringify(v)} (field ${f})`);
  }
  const isText = Object.values(key as Document).includes('text');
  const name = typeof raw.name === 'string' && raw.name ? raw.name : defaultIndexName(key as Document);
  const spec: Document = { v: 2, key, name };
  for (const [k, v] of Object.entries(raw)) if (k !== 'key' && k !== 'name' && k !== 'v' && k !== 'background' && k !== 'ns') spec[k] = v;
  if (spec.expireAfterSeconds !== undefined) spec.expireAfterSeconds = checkTtl(spec.expireAfterSeconds, spec, 'CannotCreateIndex');
  if (spec.collation !== undefined) {
    if (!spec.collation || typeof spec.collation !== 'object') throw new CommandError('TypeMismatch', "BSON field 'collation' is the wrong type, expected type 'object'");
    spec.collation = normaliseCollation(spec.collation as Document);
    if (spec.collation.locale === 'simple') delete spec.collation;
  }
  if (isText && !spec.weights) spec.weights = Object.fromEntries(Object.entries(key as Document).filter(([, v]) => v === 'text').map(([f]) => [f, 1]));
  return spec;
}

const MAX_TTL = 2147483647;

/** A valid `expireAfterSeconds` (finite, 0..2^31-1, not on `_id`) as a number; mongod's error otherwise. */
function checkTtl(value: unknown, spec: Document, code: 'CannotCreateIndex' | 'InvalidOptions'): number {
  const where = `Error in specification ${JSON.stringify({ key: spec.key, name: spec.name })} :: caused by :: `;
  const key = spec.key as Document;
  if (Object.keys(key).length === 1 && '_id' in key) {
    throw new CommandError('InvalidIndexSpecificationOption', `The field 'expireAfterSeconds' is not valid for an _id index specification. Specification: ${JSON.stringify(spec)}`);
  }
  if (typeRank(value) !== 2) throw new CommandError(code, `${where}TTL index 'expireAfterSeconds' option must be numeric, but received a type of '${typeof value}'`);
  const n = Number(typeof value === 'object' ? (value as { valueOf(): unknown }).valueOf() : value);
  if (!Number.isFinite(n) || n < 0 || n > MAX_TTL) {
    throw new CommandError(code, `${where}TTL index 'expireAfterSeconds' option must be within an acceptable range [0, ${MAX_TTL}], but received ${String(n)}`);
  }
  return n;
}

/**
 * mongod's notion of "the same index": the key pattern, partial filter and collation together identify it
 * (indexes may share a key pattern only when those differ); unique/sparse/TTL/hidden are options of it.
 */
function sameIdentity(a: Document, b: Document): boolean {
  return compareBson(a.key, b.key) === 0 && compareBson(a.partialFilterExpression ?? null, b.partialFilterExpression ?? null) === 0 && compareBson(a.collation ?? null, b.collation ?? null) === 0;
}

function sameOptions(a: Document, b: Document): boolean {
  return OPTION_KEYS.every((k) => compareBson(a[k] ?? null, b[k] ?? null) === 0 || (k === 'unique' && !!a[k] === !!b[k]) || (k === 'sparse' && !!a[k] === !!b[k]));
}

function createIndexes(ctx: CommandContext, cmd: Document): Document {
  const name = collectionArg(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  // Every spec is checked before the collection is created implicitly.
  assertNotView(ctx, name);
  const specs = (cmd.indexes as unknown[]).map((raw) => normalizeSpec(raw as Document));
  const existed = !!ctx.engine.catalog.get(ctx.db, name);
  const coll = ctx.engine.catalog.ensure(ctx.db, name);
  const before = coll.indexes.size;
  const toCreate: Document[] = [];
  for (const spec of specs) {
    // earlier specs of this request count as existing, so one request cannot create the same index twice
    const known = [...[...coll.indexes.values()].map((i) => i.spec), ...toCreate];
    const byName = known.find((k) => k.name === spec.name);
    if (byName) {
      if (compareBson(byName.key, spec.key) !== 0) {
        throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`);
      }
      if (!sameIdentity(byName, spec) || !sameOptions(byName, spec)) {
        throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`);
      }
      continue;
    }
    const byKey = known.find((k) => sameIdentity(k, spec));
    if (byKey) {
      if (sameOptions(byKey, spec)) throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${String(byKey.name)}`);
      throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byKey)}`);
    }
    const text = known.find((k) => Object.values(k.key as Document).includes('text'));
    if (Object.values(spec.key as Document).includes('text') && text) {
      throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(text)}`);
    }
    toCreate.push(spec);
  }
  // a failure (E11000 over existing documents) rolls back every index and the implicit collection with the transaction
  for (const spec of toCreate) coll.addIndex(spec);
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: coll.indexes.size, createdCollectionAutomatically: !existed };
  if (toCreate.length === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

function requireCollection(ctx: CommandContext, name: string): Collection {
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  return coll;
}

function dropIndexes(ctx: CommandContext, cmd: Document, field: string): Document {
  const name = collectionArg(cmd, field);
  const coll = requireCollection(ctx, name);
  const nIndexesWas = coll.indexes.size;
  const target = cmd.index;
  const names: string[] = [];
  if (target === '*') names.push(...[...coll.indexes.keys()].filter((n) => n !== '_id_'));
  else if (typeof target === 'string') names.push(target);
  else if (Array.isArray(target)) names.push(...target.map(String));
  else if (target && typeof target === 'object') {
    const idx = [...coll.indexes.values()].find((i) => compareBson(i.spec.key, target) === 0);
    if (!idx) throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names.push(idx.name);
  } else throw new CommandError('TypeMismatch', "BSON field 'index' is missing but a required field");
  for (const n of names) {
    if (n === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.has(n)) throw new CommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
}

/** collMod: index TTL/hidden changes, and the collection's validator / validationLevel / validationAction. */
function collMod(ctx: CommandContext, cmd: Document): Document {
  const name = collectionArg(cmd, 'collMod');
  const coll = requireCollection(ctx, name);
  const reply: Document = {};
  const validation: Document = {};
  for (const k of ['validator', 'validationLevel', 'validationAction']) if (cmd[k] !== undefined) validation[k] = cmd[k];
  if (Object.keys(validation).length) {
    checkValidatorSpec(validation);
    ctx.engine.catalog.setOptions(coll, { ...coll.options, ...validation });
  }
  const change = cmd.index as Document | undefined;
  if (change) {
    const idx = [...coll.indexes.values()].find((i) => (change.name !== undefined ? i.name === change.name : compareBson(i.spec.key, change.keyPattern) === 0));
    if (!idx) throw new CommandError('IndexNotFound', `cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${coll.ns}`);
    const spec: Document = { ...idx.spec };
    if (change.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = idx.spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = spec.expireAfterSeconds = checkTtl(change.expireAfterSeconds, spec, 'InvalidOptions');
    }
    if (change.hidden !== undefined) {
      reply.hidden_old = !!idx.spec.hidden;
      reply.hidden_new = spec.hidden = !!change.hidden;
    }
    coll.replaceIndex(idx.name, spec);
  }
  return { ...reply, ok: 1 };
}

export const indexCommands: CommandTable = {
  collMod: { run: collMod, write: true },
  createIndexes: { run: createIndexes, write: true },
  listIndexes: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'listIndexes');
      assertNotView(ctx, name);
      const coll = requireCollection(ctx, name);
      const specs = [...coll.indexes.values()].map((i) => ({ doc: i.spec }));
      return ctx.engine.cursors.open(`${ctx.db}.${name}`, specs, asNumber((cmd.cursor as Document | undefined)?.batchSize));
    },
  },
  dropIndexes: { run: (ctx, cmd) => dropIndexes(ctx, cmd, 'dropIndexes'), write: true },
  deleteIndexes: { run: (ctx, cmd) => dropIndexes(ctx, cmd, 'deleteIndexes'), write: true },
};
