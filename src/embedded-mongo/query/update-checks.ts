/**
 * mongod's type checks for operator updates, run before mingo (which silently skips what it cannot
 * apply): a scalar in the middle of a path that must be created → PathNotViable (28); `$inc`/`$mul` on
 * a non-number → TypeMismatch (14); `$push`/`$addToSet`/`$pull`/`$pullAll` on a non-array → BadValue (2),
 * `$pop` on a non-array → TypeMismatch (14). Messages are shaped like mongod's.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { formatValue, isPlainObject, typeRank } from '../bson-values';

/** Operators that create the path when it is missing (so a scalar in the way is an error). */
const CREATING = new Set(['$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit']);
const ARRAY_OPS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);
const NUMERIC_OPS: Record<string, string> = { $inc: 'increment', $mul: 'multiply' };

/** mongod's BSON type names, as its error messages use them. */
export function bsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= 0x7fffffff ? 'int' : 'double';
  const t = (v as { _bsontype?: string })._bsontype;
  const names: Record<string, string> = { Long: 'long', Int32: 'int', Double: 'double', Decimal128: 'decimal', ObjectId: 'objectId', Binary: 'binData', Timestamp: 'timestamp', BSONRegExp: 'regex', MinKey: 'minKey', MaxKey: 'maxKey', BSONSymbol: 'symbol', Code: 'javascript' };
  if (t && names[t]) return names[t];
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  return 'object';
}

const isNumber = (v: unknown) => typeRank(v) === 2;

/**
 * The value at `path` when it exists, `undefined` when the path is missing (or goes through
 * `$[…]` / an array without an index, which mingo resolves). Throws PathNotViable for creating operators.
 */
function existingValue(doc: Document, path: string, creating: boolean): unknown {
  const parts = path.split('.');
  let cur: unknown = doc;
  let parentName = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.startsWith('$')) return undefined;
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(part)) {
        cur = cur[Number(part)];
      } else {
        if (creating) throw notViable(part, parentName, cur);
        return undefined;
      }
    } else if (isPlainObject(cur)) {
      cur = cur[part];
    } else {
      if (creating) throw notViable(part, parentName, cur);
      return undefined;
    }
    if (cur === undefined) return undefined;
    parentName = part;
  }
  return cur;
}

function notViable(part: string, parentName: string, value: unknown): CommandError {
  return new CommandError('PathNotViable', `Cannot create field '${part}' in element {${parentName}: ${formatValue(value)}}`);
}

/** Throws mongod's error for the first path of `modifier` (positional `$` already resolved) that `doc` cannot take. */
export function checkUpdateTypes(doc: Document, modifier: Document): void {
  const idText = `{_id: ${formatValue(doc._id)}}`;
  for (const [op, args] of Object.entries(modifier)) {
    if (!isPlainObject(args)) continue;
    for (const [path, arg] of Object.entries(args)) {
      if (NUMERIC_OPS[op] && !isNumber(arg)) {
        throw new CommandError('TypeMismatch', `Cannot ${NUMERIC_OPS[op]} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
      }
      const value = existingValue(doc, path, CREATING.has(op));
      if (value === undefined) continue;
      const field = path.slice(path.lastIndexOf('.') + 1);
      if (NUMERIC_OPS[op] && !isNumber(value)) {
        throw new CommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. ${idText} has the field '${field}' of non-numeric type ${bsonTypeName(value)}`);
      }
      if (ARRAY_OPS.has(op) && !Array.isArray(value)) {
        if (op === '$push') throw new CommandError('BadValue', `The field '${path}' must be an array but is of type ${bsonTypeName(value)} in document ${idText}`);
        if (op === '$addToSet') throw new CommandError('BadValue', `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${bsonTypeName(value)}`);
        if (op === '$pop') throw new CommandError('TypeMismatch', `Path '${path}' contains an element of non-array type '${bsonTypeName(value)}'`);
        throw new CommandError('BadValue', 'Cannot apply $pull to a non-array value');
      }
    }
  }
}
