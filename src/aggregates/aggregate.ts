/**
 * A maintained aggregate: small documents (cells) kept in step with source records, so reads sum a few of them
 * instead of reading every record. The owner module describes its cells (how to recompute some keys, which keys
 * exist); this keeps them honest:
 *   - around(keys, write): mark the cells dirty, write the source, recompute and unmark (marks.ts);
 *   - fresh(): before a read, recompute any marked cell (a writer died, or is mid-write) and say whether the cells
 *     may be read at all (built at the current version; until then the owner reads the source directly);
 *   - rebuild(): every cell from scratch, under the same marks, so writes during it are never lost.
 */
import mongoose, { Schema } from 'mongoose';
import { heal, markDirty, settle, dirtyMarks } from './marks';

export interface AggregateSpec {
  /** Unique name, e.g. 'coverage.rosters'. */
  name: string;
  /** Bumped when the cells' shape or meaning changes: cells of another version are not read until rebuilt. */
  version: number;
  /** Recomputes these cells from the source (a key with no source left: its cell is removed). Idempotent. */
  recompute(keys: string[]): Promise<void>;
  /** Every key the source has, and every key a cell exists for (orphans are recomputed away). */
  sourceKeys(): Promise<string[]>;
  cellKeys(): Promise<string[]>;
  /**
   * Cells that have been kept in step since they first existed (marks only add crash safety): readable without a
   * recorded build, and never rebuilt by the repair job, only on request.
   */
  alwaysMaintained?: boolean;
}

interface StateDoc {
  _id: string;
  version: number;
  builtAt: Date;
  cells: number;
}

const stateSchema = new Schema<StateDoc>(
  { _id: String, version: Number, builtAt: Date, cells: Number },
  { versionKey: false, collection: 'aggregate_states' },
);
export const AggregateState = (mongoose.models.AggregateState as mongoose.Model<StateDoc>) ?? mongoose.model<StateDoc>('AggregateState', stateSchema);

/** A writer that died this long ago without settling its mark is assumed dead: its mark is removed once recomputed. */
export const IN_FLIGHT_MS = 60_000;
const REBUILD_BATCH = 200;

type ErrorSink = (err: unknown, context: { aggregate: string; step: string }) => void;
let reportError: ErrorSink = () => {};

/** Where failures of a settle (after the source write succeeded) are logged; the mark stays, so nothing is lost. */
export function setAggregateErrorSink(sink: ErrorSink): void {
  reportError = sink;
}

export interface AggregateStatus {
  name: string;
  built: boolean;
  version: number;
  builtAt: Date | null;
  cells: number | null;
  dirty: number;
}

export class MaintainedAggregate {
  constructor(readonly spec: AggregateSpec) {}

  get name(): string {
    return this.spec.name;
  }

  /** Marks `keys`, runs the source write, then recomputes and unmarks them (also when the write failed). */
  async around<T>(keys: string[], write: () => Promise<T>): Promise<T> {
    const token = await markDirty(this.name, keys);
    try {
      return await write();
    } finally {
      await this.settleQuietly(keys, token);
    }
  }

  /** For writes whose keys are known only afterwards as well: mark first, settle later with the same token. */
  async mark(keys: string[]) {
    return markDirty(this.name, keys);
  }

  async settleQuietly(keys: string[], token: Awaited<ReturnType<typeof markDirty>>): Promise<void> {
    try {
      await settle(this.name, keys, token, (k) => this.spec.recompute(k));
    } catch (err) {
      reportError(err, { aggregate: this.name, step: 'settle' });
    }
  }

  /** Whether the cells may be read (built at this version), after recomputing any marked cell. */
  async fresh(): Promise<boolean> {
    // Asked every time (one small read): another instance may have built it, a restore may have removed it.
    if (!this.spec.alwaysMaintained) {
      const state = await AggregateState.findById(this.name).lean<StateDoc>();
      if (!state || state.version !== this.spec.version) return false;
    }
    await heal(this.name, (k) => this.spec.recompute(k), IN_FLIGHT_MS);
    return true;
  }

  /** Recomputes marked cells and removes marks older than `inFlightMs` (the repair job). */
  async repair(inFlightMs = IN_FLIGHT_MS): Promise<number> {
    return heal(this.name, (k) => this.spec.recompute(k), inFlightMs);
  }

  /** Every cell from scratch, in batches, each under a mark; then records the aggregate as built at this version. */
  async rebuild(): Promise<{ cells: number }> {
    const keys = [...new Set([...(await this.spec.sourceKeys()), ...(await this.spec.cellKeys())])];
    for (let i = 0; i < keys.length; i += REBUILD_BATCH) {
      const batch = keys.slice(i, i + REBUILD_BATCH);
      const token = await markDirty(this.name, batch);
      await settle(this.name, batch, token, (k) => this.spec.recompute(k));
    }
    const cells = (await this.spec.cellKeys()).length;
    await AggregateState.updateOne({ _id: this.name }, { $set: { version: this.spec.version, builtAt: new Date(), cells } }, { upsert: true });
    return { cells };
  }

  /** Builds the aggregate when it never was (an existing database) or was built by another version of the code. */
  async ensureBuilt(): Promise<boolean> {
    if (this.spec.alwaysMaintained) return false;
    const state = await AggregateState.findById(this.name).lean<StateDoc>();
    if (state && state.version === this.spec.version) return false;
    await this.rebuild();
    return true;
  }

  async status(): Promise<AggregateStatus> {
    const [state, dirty] = await Promise.all([AggregateState.findById(this.name).lean<StateDoc>(), dirtyMarks(this.name)]);
    return {
      name: this.name,
      built: !!this.spec.alwaysMaintained || (!!state && state.version === this.spec.version),
      version: this.spec.version,
      builtAt: state?.builtAt ?? null,
      cells: state?.cells ?? null,
      dirty: dirty.size,
    };
  }
}

const registry = new Map<string, MaintainedAggregate>();

/** Each owner module registers its aggregates once (at import); the repair job and the rebuild route walk them. */
export function defineAggregate(spec: AggregateSpec): MaintainedAggregate {
  const existing = registry.get(spec.name);
  if (existing) return existing;
  const aggregate = new MaintainedAggregate(spec);
  registry.set(spec.name, aggregate);
  return aggregate;
}

export function registeredAggregates(): MaintainedAggregate[] {
  return [...registry.values()];
}
