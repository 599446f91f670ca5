/**
 * The memory a blocking aggregation stage ($sort, $group) may hold, as mongod bounds it: 100 MB per stage
 * (`internalQueryMaxBlockingSortMemoryUsageBytes`, `internalDocumentSourceGroupMaxMemoryBytes`, settable with
 * setParameter). Past it a stage spills to disk when the command allows it (`allowDiskUse`, default true as in
 * MongoDB 6+ through `allowDiskUseByDefault`) and fails with code 292 otherwise.
 * Commands run one at a time, so the running command's budget is module state set around the pipeline.
 */
import { rmSync } from 'node:fs';
import { calculateObjectSize, type Document } from 'bson';
import { CommandError } from '../errors';

export const STAGE_MEMORY_PARAMETERS = {
  internalQueryMaxBlockingSortMemoryUsageBytes: 100 * 1024 * 1024,
  internalDocumentSourceGroupMaxMemoryBytes: 100 * 1024 * 1024,
  allowDiskUseByDefault: true,
};

export type StageMemoryParameter = keyof typeof STAGE_MEMORY_PARAMETERS;

export interface StageBudget {
  allowDiskUse: boolean;
  /** Where this command's spilled runs go (under the data directory's `_tmp`, as mongod's); removed when it ends. */
  tmpDir: string;
  spilled?: boolean;
}

let current: StageBudget | undefined;

/** Runs `fn` with `budget` as the running command's; nested pipelines ($lookup's, a view's) share it. */
export function withStageBudget<T>(budget: StageBudget, fn: () => T): T {
  const outer = current;
  current = outer ?? budget;
  try {
    return fn();
  } finally {
    current = outer;
    // runs of a sort whose output was not read to the end are removed here
    if (!outer && budget.spilled) rmSync(budget.tmpDir, { recursive: true, force: true });
  }
}

/** The running command's budget; outside a command (internal use) nothing may spill. */
export function stageBudget(): StageBudget | undefined {
  return current;
}

export function sortMemoryLimit(): number {
  return STAGE_MEMORY_PARAMETERS.internalQueryMaxBlockingSortMemoryUsageBytes;
}

export function groupMemoryLimit(): number {
  return STAGE_MEMORY_PARAMETERS.internalDocumentSourceGroupMaxMemoryBytes;
}

/** What a document costs a stage: its BSON size plus the per-document overhead mongod also counts. */
export function documentBytes(doc: unknown): number {
  return (doc !== null && typeof doc === 'object' ? calculateObjectSize(doc as Document) : 16) + 64;
}

export function sortExceeded(limit: number): CommandError {
  return new CommandError('QueryExceededMemoryLimitNoDiskUseAllowed', `Sort exceeded memory limit of ${limit} bytes, but did not opt in to external sorting. Aborting operation. Pass allowDiskUse:true to opt in.`);
}

export function groupExceeded(): CommandError {
  return new CommandError('QueryExceededMemoryLimitNoDiskUseAllowed', "Exceeded memory limit for $group, but didn't allow external sort. Pass allowDiskUse:true to opt in.");
}

/** setParameter for the parameters above: returns the previous values (`was`), as mongod answers. */
export function setStageParameters(cmd: Document): Document | undefined {
  let was: Document | undefined;
  for (const key of Object.keys(STAGE_MEMORY_PARAMETERS) as StageMemoryParameter[]) {
    if (!(key in cmd)) continue;
    const value = cmd[key];
    const previous = STAGE_MEMORY_PARAMETERS[key];
    if (typeof previous === 'boolean') {
      if (typeof value !== 'boolean') throw new CommandError('BadValue', `${key} must be a boolean`);
      (STAGE_MEMORY_PARAMETERS as Record<string, unknown>)[key] = value;
    } else {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new CommandError('BadValue', `${key} must be greater than 0`);
      (STAGE_MEMORY_PARAMETERS as Record<string, unknown>)[key] = Math.trunc(n);
    }
    was = { ...was, was: previous };
  }
  return was;
}
