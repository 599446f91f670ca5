/**
 * MongoDB's `$jsonSchema` (draft 4 subset plus `bsonType`), compiled to a predicate. Used by the
 * `$jsonSchema` query operator and so by collection validators. Unknown keywords are refused as mongod does.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { canonicalKey, compareBson, isPlainObject, toNumber, typeRank } from '../bson-values';
import { bsonType, isOfType } from './bson-type';

type Check = (v: unknown) => boolean;

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  object: (v) => bsonType(v) === 'object',
  array: Array.isArray,
  number: (v) => isOfType(v, 'number'),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  null: (v) => v === null,
};
const IGNORED = new Set(['title', 'description']);

const parseError = (msg: string) => new CommandError('FailedToParse', msg);
const isNum = (v: unknown) => typeRank(v) === 2;
const strLen = (s: string) => [...s].length;

export function compileJsonSchema(schema: unknown): Check {
  if (!isPlainObject(schema)) throw parseError('$jsonSchema must be an object');
  const checks: Check[] = [];
  for (const [kw, arg] of Object.entries(schema)) {
    if (IGNORED.has(kw)) continue;
    switch (kw) {
      case 'bsonType':
      case 'type': {
        const names = Array.isArray(arg) ? arg : [arg];
        const tests = names.map((n) => {
          if (kw === 'type') {
            const t = JSON_TYPES[String(n)];
            if (!t) throw parseError(`Unknown type name alias: ${String(n)}`);
            return t;
          }
          return (v: unknown) => isOfType(v, String(n));
        });
        checks.push((v) => tests.some((t) => t(v)));
        break;
      }
      case 'enum': {
        if (!Array.isArray(arg) || arg.length === 0) throw parseError("$jsonSchema keyword 'enum' must be a non-empty array");
        const keys = new Set(arg.map(canonicalKey));
        checks.push((v) => keys.has(canonicalKey(v)));
        break;
      }
      case 'required': {
        if (!Array.isArray(arg)) throw parseError("$jsonSchema keyword 'required' must be an array");
        checks.push((v) => !isPlainObject(v) || arg.every((k) => (v as Document)[String(k)] !== undefined));
        break;
      }
      case 'properties': {
        if (!isPlainObject(arg)) throw parseError("$jsonSchema keyword 'properties' must be an object");
        const props = Object.entries(arg).map(([k, s]) => [k, compileJsonSchema(s)] as const);
        checks.push((v) => !isPlainObject(v) || props.every(([k, c]) => v[k] === undefined || c(v[k])));
        break;
      }
      case 'patternProperties':
      case 'additionalProperties':
        checks.push(compileAdditional(schema));
        break;
      case 'minProperties':
      case 'maxProperties': {
        const n = toNumber(arg);
        checks.push((v) => !isPlainObject(v) || (kw === 'minProperties' ? Object.keys(v).length >= n : Object.keys(v).length <= n));
        break;
      }
      case 'dependencies': {
        const deps = Object.entries(arg as Document).map(([k, d]) => [k, Array.isArray(d) ? (o: Document) => d.every((f) => o[String(f)] !== undefined) : compileJsonSchema(d)] as const);
        checks.push((v) => !isPlainObject(v) || deps.every(([k, c]) => v[k] === undefined || c(v as Document)));
        break;
      }
      case 'items': {
        if (Array.isArray(arg)) {
          const each = arg.map(compileJsonSchema);
          const extra = schema.additionalItems;
          const more = extra === false ? () => false : isPlainObject(extra) ? compileJsonSchema(extra) : () => true;
          checks.push((v) => !Array.isArray(v) || v.every((e, i) => (i < each.length ? each[i](e) : more(e))));
        } else {
          const c = compileJsonSchema(arg);
          checks.push((v) => !Array.isArray(v) || v.every(c));
        }
        break;
      }
      case 'additionalItems':
        break; // read with `items`
      case 'minItems':
      case 'maxItems': {
        const n = toNumber(arg);
        checks.push((v) => !Array.isArray(v) || (kw === 'minItems' ? v.length >= n : v.length <= n));
        break;
      }
      case 'uniqueItems':
        if (arg === true) checks.push((v) => !Array.isArray(v) || new Set(v.map(canonicalKey)).size === v.length);
        break;
      case 'minimum':
      case 'maximum': {
        const exclusive = schema[kw === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
        const sign = kw === 'minimum' ? 1 : -1;
        checks.push((v) => {
          if (!isNum(v)) return true;
          const c = compareBson(v, arg) * sign;
          return exclusive ? c > 0 : c >= 0;
        });
        break;
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        break; // read with minimum / maximum
      case 'multipleOf': {
        const m = toNumber(arg);
        if (!(m > 0)) throw parseError("$jsonSchema keyword 'multipleOf' must have a positive value");
        checks.push((v) => !isNum(v) || Number.isInteger(toNumber(v) / m));
        break;
      }
      case 'minLength':
      case 'maxLength': {
        const n = toNumber(arg);
        checks.push((v) => typeof v !== 'string' || (kw === 'minLength' ? strLen(v) >= n : strLen(v) <= n));
        break;
      }
      case 'pattern': {
        const re = new RegExp(String(arg), 'u');
        checks.push((v) => typeof v !== 'string' || re.test(v));
        break;
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        if (!Array.isArray(arg) || arg.length === 0) throw parseError(`$jsonSchema keyword '${kw}' must be a non-empty array`);
        const subs = arg.map(compileJsonSchema);
        if (kw === 'allOf') checks.push((v) => subs.every((s) => s(v)));
        else if (kw === 'anyOf') checks.push((v) => subs.some((s) => s(v)));
        else checks.push((v) => subs.filter((s) => s(v)).length === 1);
        break;
      }
      case 'not': {
        const sub = compileJsonSchema(arg);
        checks.push((v) => !sub(v));
        break;
      }
      default:
        throw parseError(`Unknown $jsonSchema keyword: ${kw}`);
    }
  }
  return (v) => checks.every((c) => c(v));
}

/** `additionalProperties` / `patternProperties` together: properties neither listed nor matching a pattern are "additional". */
function compileAdditional(schema: Document): Check {
  const listed = new Set(Object.keys((schema.properties as Document | undefined) ?? {}));
  const patterns = Object.entries((schema.patternProperties as Document | undefined) ?? {}).map(([p, s]) => [new RegExp(p, 'u'), compileJsonSchema(s)] as const);
  const extra = schema.additionalProperties;
  const additional: Check = extra === false ? () => false : isPlainObject(extra) ? compileJsonSchema(extra) : () => true;
  return (v) => {
    if (!isPlainObject(v)) return true;
    for (const [k, val] of Object.entries(v)) {
      let matched = listed.has(k);
      for (const [re, c] of patterns) {
        if (re.test(k)) {
          matched = true;
          if (!c(val)) return false;
        }
      }
      if (!matched && !additional(val)) return false;
    }
    return true;
  };
}
