/**
 * insert, update, delete, findAndModify. Each document change is atomic; a batch reports per-statement
 * `writeErrors` and stops at the first one when `ordered` (the default), continues otherwise — as mongod.
 */
import { ObjectId, type Document } from 'bson';
import { CommandError, toCommandError } from '../errors';
import { isPlainObject, typeRank } from '../bson-values';
import { runQuery } from '../query/run-query';
import { applyUpdate, buildUpsertDocument, idFirst, isReplacement, validateUpdate } from '../query/update';
import type { Collection, InsertFailure, NewDocument } from '../storage/collection';
import { moveIdFirst } from '../raw-bson';
import { projectOne } from './projection';
import { checkDocument } from './validation';
import { assertNotView } from './views';
import { asDoc, collectionArg, type CommandContext, type CommandTable } from './types';

function statements(cmd: Document, field: string): Document[] {
  const v = cmd[field];
  if (!Array.isArray(v)) throw new CommandError('TypeMismatch', `BSON field '${Object.keys(cmd)[0]}.${field}' is missing but a required field`);
  return v as Document[];
}

function checkId(id: unknown): void {
  const r = typeRank(id);
  if (r === 5) throw new CommandError('BadValue', "can't use an array for _id");
  if (r === 11) throw new CommandError('BadValue', "can't use a regex for _id");
}

function insert(ctx: CommandContext, cmd: Document): Document {
  const name = collectionArg(cmd, 'insert');
  const docs = statements(cmd, 'documents');
  const raws = ctx.rawSequences.get('documents');
  const ordered = cmd.ordered !== false;
  assertNotView(ctx, name);
  const coll = ctx.engine.catalog.ensure(ctx.db, name);
  // Each document is checked here (shape, _id, validator), then the checked ones are stored together.
  const ready: NewDocument[] = [];
  const positions: number[] = [];
  const failures: InsertFailure[] = [];
  for (let i = 0; i < docs.length; i++) {
    try {
      let doc = docs[i];
      let raw = raws?.[i];
      if (!isPlainObject(doc)) throw new CommandError('TypeMismatch', 'documents must be objects');
      if (doc._id === undefined) {
        doc = { _id: new ObjectId(), ...doc };
        raw = undefined;
      } else if (Object.keys(doc)[0] !== '_id') {
        // The driver's generated _id comes last: stored first by moving its bytes, without re-encoding. The decoded
        // object is only read (checks, index keys), so its key order matters only when it is encoded (no raw bytes).
        if (raw) raw = moveIdFirst(raw);
        else doc = idFirst(doc);
      }
      checkId(doc._id);
      checkDocument(ctx, cmd, coll, doc);
      ready.push({ doc, raw });
      positions.push(i);
    } catch (error) {
      failures.push({ index: i, error });
      if (ordered) break;
    }
  }
  const stored = coll.insertMany(ready, ordered);
  for (const f of stored.errors) failures.push({ index: positions[f.index], error: f.error });
  failures.sort((a, b) => a.index - b.index);
  // ordered: the first failure is the only one (nothing after it was stored)
  const writeErrors = (ordered ? failures.slice(0, 1) : failures).map((f) => toCommandError(f.error).toWriteError(f.index));
  return writeErrors.length ? { n: stored.n, writeErrors, ok: 1 } : { n: stored.n, ok: 1 };
}

function update(ctx: CommandContext, cmd: Document): Document {
  const name = collectionArg(cmd, 'update');
  const stmts = statements(cmd, 'updates');
  assertNotView(ctx, name);
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0, nModified = 0;
  for (let i = 0; i < stmts.length; i++) {
    try {
      const s = stmts[i];
      const q = asDoc(s.q, 'q') ?? {};
      const u = validateUpdate(s.u);
      const multi = s.multi === true;
      if (multi && isReplacement(u)) throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
      const arrayFilters = Array.isArray(s.arrayFilters) ? (s.arrayFilters as Document[]) : undefined;
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const res = runQuery(coll, { filter: q, sort: asDoc(s.sort, 'sort'), limit: multi ? 0 : 1, collation: asDoc(s.collation, 'collation') });
      if (res.records.length === 0) {
        if (s.upsert === true) {
          const doc = buildUpsertDocument(q, u, arrayFilters);
          checkId(doc._id);
          const target = ctx.engine.catalog.ensure(ctx.db, name);
          checkDocument(ctx, cmd, target, doc);
          target.insert(doc);
          n++;
          upserted.push({ index: i, _id: doc._id });
        }
        continue;
      }
      for (const rec of res.records) {
        const next = applyUpdate(rec.doc, u, { query: res.restFilter, arrayFilters });
        n++;
        if (next) {
          checkDocument(ctx, cmd, coll as Collection, next, rec.doc);
          (coll as Collection).replace(rec, next);
          nModified++;
        }
      }
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function del(ctx: CommandContext, cmd: Document): Document {
  const name = collectionArg(cmd, 'delete');
  const stmts = statements(cmd, 'deletes');
  assertNotView(ctx, name);
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < stmts.length; i++) {
    try {
      const s = stmts[i];
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const limit = Number(s.limit ?? 0);
      if (limit !== 0 && limit !== 1) throw new CommandError('FailedToParse', 'The limit field in delete objects must be 0 or 1. Got ' + limit);
      const res = runQuery(coll, { filter: asDoc(s.q, 'q') ?? {}, limit, collation: asDoc(s.collation, 'collation') });
      for (const rec of res.records) {
        coll!.remove(rec);
        n++;
      }
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

function findAndModify(ctx: CommandContext, cmd: Document): Document {
  const name = String(cmd.findAndModify ?? cmd.findandmodify ?? '');
  if (!name) throw new CommandError('InvalidNamespace', 'collection name has invalid type');
  const query = asDoc(cmd.query, 'query') ?? {};
  const fields = asDoc(cmd.fields, 'fields');
  const remove = cmd.remove === true;
  if (remove && cmd.update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && cmd.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && cmd.new === true) throw new CommandError('FailedToParse', 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');
  assertNotView(ctx, name);
  const coll = ctx.engine.catalog.get(ctx.db, name);
  const res = runQuery(coll, { filter: query, sort: asDoc(cmd.sort, 'sort'), limit: 1, collation: asDoc(cmd.collation, 'collation') });
  const rec = res.records[0];
  const project = (d: Document | null) => (d ? projectOne(d, fields, res.restFilter) : null);
  // An invalid projection must fail before anything is written (mongod parses it up front).
  project({});
  if (remove) {
    if (rec) coll!.remove(rec);
    return { lastErrorObject: { n: rec ? 1 : 0 }, value: project(rec?.doc ?? null), ok: 1 };
  }
  const u = validateUpdate(cmd.update);
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Document[]) : undefined;
  if (rec) {
    const next = applyUpdate(rec.doc, u, { query: res.restFilter, arrayFilters });
    if (next) checkDocument(ctx, cmd, coll!, next, rec.doc);
    const stored = next ? coll!.replace(rec, next).doc : rec.doc;
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(cmd.new === true ? stored : rec.doc), ok: 1 };
  }
  if (cmd.upsert === true) {
    const doc = buildUpsertDocument(query, u, arrayFilters);
    checkId(doc._id);
    const target = ctx.engine.catalog.ensure(ctx.db, name);
    checkDocument(ctx, cmd, target, doc);
    target.insert(doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new === true ? project(doc) : null, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

export const writeCommands: CommandTable = {
  insert: { run: insert, write: true },
  update: { run: update, write: true },
  delete: { run: del, write: true },
  findAndModify: { run: findAndModify, write: true },
  findandmodify: { run: findAndModify, write: true },
};
