/**
 * Checks a document must pass before it is stored: the collection's validator (`validator` with
 * `validationLevel` strict/moderate/off and `validationAction` error/warn, as set by create/collMod;
 * `$jsonSchema` or any query) and the values of 2dsphere (GeoJSON or pairs within longitude/latitude
 * bounds) and 2d (legacy pairs within [min, max)) indexed fields.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { formatValue, isPlainObject } from '../bson-values';
import { geoKeyProblem, legacyKeyProblem } from '../query/geo';
import { mongoQuery, pathCandidates } from '../query/mongo-query';
import type { Collection } from '../storage/collection';
import type { CommandContext } from './types';

const compiled = new WeakMap<Document, ReturnType<typeof mongoQuery>>();

function validatorOf(coll: Collection): ReturnType<typeof mongoQuery> | undefined {
  const v = coll.options.validator;
  if (!isPlainObject(v) || Object.keys(v).length === 0) return undefined;
  let q = compiled.get(v);
  if (!q) compiled.set(v, (q = mongoQuery(v)));
  return q;
}

/** Checks a validator when it is set (create/collMod), so a bad one is refused up front. */
export function checkValidatorSpec(options: Document): void {
  if (options.validator !== undefined) {
    if (!isPlainObject(options.validator)) throw new CommandError('TypeMismatch', "BSON field 'validator' is the wrong type, expected type 'object'");
    mongoQuery(options.validator);
  }
  if (options.validationLevel !== undefined && !['off', 'strict', 'moderate'].includes(String(options.validationLevel))) {
    throw new CommandError('BadValue', `Enumeration value '${String(options.validationLevel)}' for field 'validationLevel' is not a valid value.`);
  }
  if (options.validationAction !== undefined && !['error', 'warn', 'errorAndLog'].includes(String(options.validationAction))) {
    throw new CommandError('BadValue', `Enumeration value '${String(options.validationAction)}' for field 'validationAction' is not a valid value.`);
  }
}

/**
 * Throws (nothing written yet) when `doc` may not be stored in `coll`. `previous` is the document an
 * update replaces: under `moderate`, documents that already failed validation may be updated freely.
 */
export function checkDocument(ctx: CommandContext, cmd: Document, coll: Collection, doc: Document, previous?: Document): void {
  checkGeoKeys(coll, doc);
  const validator = validatorOf(coll);
  if (!validator || cmd.bypassDocumentValidation === true) return;
  const level = coll.options.validationLevel ?? 'strict';
  if (level === 'off') return;
  if (level === 'moderate' && previous && !validator.test(previous)) return;
  if (validator.test(doc)) return;
  if (coll.options.validationAction === 'warn') {
    ctx.engine.log('warn', 'Document would fail validation', { namespace: coll.ns, document: formatValue({ _id: doc._id }) });
    return;
  }
  throw new CommandError('DocumentValidationFailure', 'Document failed validation', { errInfo: { failingDocumentId: doc._id, details: { operatorName: Object.keys(coll.options.validator as Document)[0], specifiedAs: coll.options.validator } } });
}

function checkGeoKeys(coll: Collection, doc: Document): void {
  for (const idx of coll.indexes.values()) {
    for (const [path, kind] of Object.entries(idx.spec.key as Document)) {
      if (kind === '2d') {
        const min = idx.spec.min === undefined ? undefined : Number(idx.spec.min);
        const max = idx.spec.max === undefined ? undefined : Number(idx.spec.max);
        for (const v of pathCandidates(doc, path)) {
          const problem = legacyKeyProblem(v, min, max);
          if (problem) throw new CommandError(problem.code, `${problem.message} :: caused by :: ${formatValue(doc)}`);
        }
      }
      if (kind !== '2dsphere') continue;
      for (const v of pathCandidates(doc, path)) {
        const problem = geoKeyProblem(v);
        if (problem) throw new CommandError('Location16755', `Can't extract geo keys: ${formatValue(doc)}  ${problem}`);
      }
    }
  }
}
