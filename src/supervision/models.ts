/**
 * Supervision (督导) records: committees and the counties they supervise (with dated history), problem categories,
 * inspection rounds with the townships visited, problems with their rectification, and the generated reports.
 */
import mongoose, { Schema, Types } from 'mongoose';

export interface CountyAssignment {
  county: string;
  /** First day the committee supervised the county. */
  from: Date;
  /** Set when the county was handed on; null while current. */
  to: Date | null;
  by: Types.ObjectId;
}

export interface CommitteeDoc {
  _id: Types.ObjectId;
  /** E.g. 市人大常委会代表工作委员会. */
  name: string;
  members: Array<{ userId: Types.ObjectId; displayName: string }>;
  assignments: CountyAssignment[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const committeeSchema = new Schema<CommitteeDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    members: { type: [{ _id: false, userId: { type: Schema.Types.ObjectId, required: true }, displayName: { type: String, required: true } }], default: [] },
    assignments: {
      type: [{ _id: false, county: { type: String, required: true }, from: { type: Date, required: true }, to: { type: Date, default: null }, by: { type: Schema.Types.ObjectId, required: true } }],
      default: [],
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true, default: 1 },
  },
  { versionKey: false, strict: 'throw', collection: 'supervision_committees' },
);
committeeSchema.index({ name: 1 }, { unique: true });
committeeSchema.index({ 'assignments.county': 1 });

export const Committee = (mongoose.models.SupervisionCommittee as mongoose.Model<CommitteeDoc>) ?? mongoose.model<CommitteeDoc>('SupervisionCommittee', committeeSchema);

export interface ProblemCategoryDoc {
  _id: string;
  label: string;
  description: string;
  order: number;
  active: boolean;
}

const categorySchema = new Schema<ProblemCategoryDoc>(
  {
    _id: { type: String, required: true },
    label: { type: String, required: true, trim: true, maxlength: 40 },
    description: { type: String, default: '', maxlength: 500 },
    order: { type: Number, required: true },
    active: { type: Boolean, default: true },
  },
  { versionKey: false, strict: 'throw', collection: 'supervision_problem_categories' },
);

export const ProblemCategory =
  (mongoose.models.SupervisionProblemCategory as mongoose.Model<ProblemCategoryDoc>) ?? mongoose.model<ProblemCategoryDoc>('SupervisionProblemCategory', categorySchema);

export const ROUND_KINDS = ['inspection', 'revisit'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export interface InspectionRoundDoc {
  _id: Types.ObjectId;
  /** inspection: the quarter's 督查; revisit: 回头看 of earlier problems. */
  kind: RoundKind;
  /** The period it belongs to (a quarter by default: 2030-Q2). */
  period: string;
  committeeId: Types.ObjectId;
  committeeName: string;
  county: string;
  date: Date;
  townships: string[];
  note: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const roundSchema = new Schema<InspectionRoundDoc>(
  {
    kind: { type: String, required: true, enum: ROUND_KINDS },
    period: { type: String, required: true },
    committeeId: { type: Schema.Types.ObjectId, required: true },
    committeeName: { type: String, required: true },
    county: { type: String, required: true },
    date: { type: Date, required: true },
    townships: { type: [String], default: [] },
    note: { type: String, default: '' },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true, default: 1 },
  },
  { versionKey: false, strict: 'throw', collection: 'supervision_rounds' },
);
roundSchema.index({ county: 1, date: -1 });
roundSchema.index({ date: -1 });

export const InspectionRound =
  (mongoose.models.SupervisionRound as mongoose.Model<InspectionRoundDoc>) ?? mongoose.model<InspectionRoundDoc>('SupervisionRound', roundSchema);

/** 立行立改 → 整改中 → 已整改. */
export const PROBLEM_STATES = ['immediate', 'rectifying', 'rectified'] as const;
export type ProblemState = (typeof PROBLEM_STATES)[number];
export const PROBLEM_STATE_LABELS: Record<ProblemState, string> = { immediate: '立行立改', rectifying: '整改中', rectified: '已整改' };

export interface Evidence {
  at: Date;
  text: string;
  photoMediaIds: Types.ObjectId[];
  by: Types.ObjectId;
  byName: string;
}

export interface Revisit {
  at: Date;
  roundId: Types.ObjectId | null;
  /** confirmed: the rectification holds; reopened: it did not, back to 整改中 with a new deadline. */
  result: 'confirmed' | 'reopened';
  note: string;
  by: Types.ObjectId;
  byName: string;
}

export interface ProblemDoc {
  _id: Types.ObjectId;
  roundId: Types.ObjectId;
  categoryId: string;
  county: string;
  township: string | null;
  groupId: Types.ObjectId | null;
  groupName: string | null;
  description: string;
  deadline: Date;
  state: ProblemState;
  foundAt: Date;
  rectifiedAt: Date | null;
  evidence: Evidence[];
  revisits: Revisit[];
  history: Array<{ at: Date; from: ProblemState | null; to: ProblemState; by: Types.ObjectId; byName: string; note: string }>;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const problemSchema = new Schema<ProblemDoc>(
  {
    roundId: { type: Schema.Types.ObjectId, required: true },
    categoryId: { type: String, required: true },
    county: { type: String, required: true },
    township: { type: String, default: null },
    groupId: { type: Schema.Types.ObjectId, default: null },
    groupName: { type: String, default: null },
    description: { type: String, required: true },
    deadline: { type: Date, required: true },
    state: { type: String, required: true, enum: PROBLEM_STATES },
    foundAt: { type: Date, required: true },
    rectifiedAt: { type: Date, default: null },
    evidence: {
      type: [{ _id: false, at: Date, text: String, photoMediaIds: [Schema.Types.ObjectId], by: Schema.Types.ObjectId, byName: String }],
      default: [],
    },
    revisits: {
      type: [{ _id: false, at: Date, roundId: { type: Schema.Types.ObjectId, default: null }, result: String, note: String, by: Schema.Types.ObjectId, byName: String }],
      default: [],
    },
    history: {
      type: [{ _id: false, at: Date, from: { type: String, default: null }, to: String, by: Schema.Types.ObjectId, byName: String, note: String }],
      default: [],
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true, default: 1 },
  },
  { versionKey: false, strict: 'throw', collection: 'supervision_problems' },
);
problemSchema.index({ roundId: 1 });
problemSchema.index({ county: 1, foundAt: -1 });
problemSchema.index({ state: 1, deadline: 1 });

export const Problem = (mongoose.models.SupervisionProblem as mongoose.Model<ProblemDoc>) ?? mongoose.model<ProblemDoc>('SupervisionProblem', problemSchema);
