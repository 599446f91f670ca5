import type { Document } from 'bson';
import type { RawReply } from '../cursors';
import { CommandError } from '../errors';
import type { ConnectionInfo, Engine } from '../engine';

export interface CommandContext {
  engine: Engine;
  conn: ConnectionInfo;
  db: string;
  /** Raw BSON of OP_MSG document sequences (e.g. `documents` of an insert). */
  rawSequences: Map<string, Buffer[]>;
}

export type CommandResult = Document | RawReply;

export interface CommandDef {
  run(ctx: CommandContext, cmd: Document): CommandResult;
  /** Runs inside one storage transaction and honours writeConcern `j`. */
  write?: boolean;
}

export type CommandTable = Record<string, CommandDef>;

/** The collection name argument of a command (`{ find: 'users' }`), validated. */
export function collectionArg(cmd: Document, name: string): string {
  const v = cmd[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof v}`);
  }
  return v;
}

export function asDoc(v: unknown, field: string): Document | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`);
  return v as Document;
}

export function asNumber(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(typeof v === 'object' ? (v as { valueOf(): unknown }).valueOf() : v);
  return Number.isFinite(n) ? n : undefined;
}
