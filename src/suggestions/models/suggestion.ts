/**
 * One 意见建议 and everything that happened to it. Every change of state is one conditional update of this
 * document (state + version), which also appends the audit entry: the record and its trail never disagree.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { ANSWER_CLASSES, CATEGORIES, ESCALATION_KINDS, ESCALATION_REASONS, ORIGINS, RATING_SOURCES, RATINGS, STATUSES } from './enums';
import type { AnswerClass, Category, EscalationKind, EscalationReason, Origin, Rating, RatingSource, Status } from './enums';

/** 市 / 区县 / 乡镇 / 村（社区）. The county is required: departments and rates are per county. */
export interface SuggestionRegion {
  city?: string;
  county: string;
  township?: string;
  village?: string;
}

export interface CitizenRaiser {
  name: string;
  /** Private: never in public views. */
  phone?: string;
}

export interface Transfer {
  fromDepartmentId: Types.ObjectId;
  toDepartmentId: Types.ObjectId;
  reason: string;
  at: Date;
  by: Types.ObjectId;
}

/** A co-unit's (协办) view, sent to the lead unit, which answers. */
export interface CoOpinion {
  departmentId: Types.ObjectId;
  text: string;
  at: Date;
  by: Types.ObjectId;
}

export interface Answer {
  round: number;
  text: string;
  answerClass: AnswerClass;
  /** 见面: when the department met the deputy, and who took part. */
  meeting: { at: Date; participants: string; place?: string };
  at: Date;
  by: Types.ObjectId;
  departmentId: Types.ObjectId;
  onTime: boolean;
}

export interface RatingRecord {
  round: number;
  rating: Rating;
  comment: string;
  at: Date;
  /** Who recorded it: the deputy (through the link) or a liaison on the deputy's behalf. */
  by: Types.ObjectId;
  /** 'deputy': given by the deputy through the personal link; 'liaison': recorded on the deputy's behalf (代为录入). */
  source?: RatingSource;
  /** The deputy the rating is from, when known. */
  deputyId?: Types.ObjectId;
}

/** 督办 SMS to a department's contact: one a day per suggestion at most. */
export interface Reminder {
  at: Date;
  /** Beijing calendar day (YYYY-MM-DD): the once-a-day key. */
  day: string;
  departmentId: Types.ObjectId;
  /** The contact's number, masked as it is shown. */
  phoneMasked?: string;
  publicationId?: string;
  /** Why no SMS went (no mobile number on file), when none did. */
  unreachable?: string;
  by: Types.ObjectId;
  byName: string;
}

/** An SMS sent to deputies about a suggestion (交办 / 答复 with the satisfaction links). */
export interface DeputyNotice {
  kind: 'assigned' | 'answered';
  round: number;
  at: Date;
  publicationId: string | null;
  notified: number;
  unreachable: number;
}

export interface SuggestionOrigin {
  channel: Origin;
  /** Public submissions: a hash of the sender's address (for the daily limit), never the address itself. */
  addressHash?: string;
  /** WeChat submissions: the follower's openid, when the link carried a valid ticket. */
  openid?: string;
  importId?: Types.ObjectId;
  /** Import: the row of the spreadsheet it came from. */
  row?: number;
}

export interface Escalation {
  _id: Types.ObjectId;
  reason: EscalationReason;
  openedAt: Date;
  kind?: EscalationKind;
  date?: Date;
  outcome?: string;
  recordedAt?: Date;
}

export interface HistoryEntry {
  action: string;
  from: Status;
  to: Status;
  at: Date;
  by: Types.ObjectId;
  byName: string;
  note?: string;
}

export interface SuggestionDoc {
  _id: Types.ObjectId;
  text: string;
  category: Category;
  region: SuggestionRegion;
  deputyIds: Types.ObjectId[];
  citizen?: CitizenRaiser;
  activityId?: Types.ObjectId;
  attachmentIds: Types.ObjectId[];
  public: boolean;
  status: Status;
  version: number;
  duplicateOf?: Types.ObjectId;
  /** Handling round: 1, then 2 after a 不满意 sends it back. */
  round: number;
  leadDepartmentId?: Types.ObjectId;
  coDepartmentIds: Types.ObjectId[];
  /** Lead + co-departments: what a department user's queries match on. */
  departmentIds: Types.ObjectId[];
  hard: boolean;
  assignedAt?: Date;
  deadline?: Date;
  transfers: Transfer[];
  coOpinions: CoOpinion[];
  answers: Answer[];
  ratings: RatingRecord[];
  /** Whether the latest answer came by the deadline, kept for the on-time rate. */
  lastAnswerOnTime?: boolean;
  /** Latest of `ratings`, kept beside them for the rates. */
  lastRating?: Rating;
  dissatisfiedCount: number;
  escalations: Escalation[];
  history: HistoryEntry[];
  /** The public tracking number (受理编号), e.g. JY20280310-7K3Q9P. */
  receiptNo?: string;
  origin?: SuggestionOrigin;
  reminders: Reminder[];
  notices: DeputyNotice[];
  registeredAt: Date;
  closedAt?: Date;
  createdBy: Types.ObjectId;
  updatedAt: Date;
}

const id = Schema.Types.ObjectId;

const suggestionSchema = new Schema<SuggestionDoc>(
  {
    text: { type: String, required: true },
    category: { type: String, required: true, enum: CATEGORIES },
    region: {
      city: String,
      county: { type: String, required: true },
      township: String,
      village: String,
    },
    deputyIds: [{ type: id }],
    citizen: { type: { name: String, phone: String }, _id: false, default: undefined },
    activityId: { type: id },
    attachmentIds: [{ type: id }],
    public: { type: Boolean, default: false },
    status: { type: String, required: true, enum: STATUSES },
    version: { type: Number, required: true, default: 0 },
    duplicateOf: { type: id },
    round: { type: Number, default: 1 },
    leadDepartmentId: { type: id },
    coDepartmentIds: [{ type: id }],
    departmentIds: [{ type: id }],
    hard: { type: Boolean, default: false },
    assignedAt: Date,
    deadline: Date,
    transfers: [{ _id: false, fromDepartmentId: id, toDepartmentId: id, reason: String, at: Date, by: id }],
    coOpinions: [{ _id: false, departmentId: id, text: String, at: Date, by: id }],
    answers: [
      {
        _id: false,
        round: Number,
        text: String,
        answerClass: { type: String, enum: ANSWER_CLASSES },
        meeting: { at: Date, participants: String, place: String },
        at: Date,
        by: id,
        departmentId: id,
        onTime: Boolean,
      },
    ],
    ratings: [
      {
        _id: false,
        round: Number,
        rating: { type: String, enum: RATINGS },
        comment: String,
        at: Date,
        by: id,
        source: { type: String, enum: RATING_SOURCES },
        deputyId: id,
      },
    ],
    lastAnswerOnTime: Boolean,
    lastRating: { type: String, enum: RATINGS },
    dissatisfiedCount: { type: Number, default: 0 },
    escalations: [
      {
        reason: { type: String, enum: ESCALATION_REASONS },
        openedAt: Date,
        kind: { type: String, enum: ESCALATION_KINDS },
        date: Date,
        outcome: String,
        recordedAt: Date,
      },
    ],
    history: [{ _id: false, action: String, from: String, to: String, at: Date, by: id, byName: String, note: String }],
    receiptNo: String,
    origin: {
      type: { channel: { type: String, enum: ORIGINS }, addressHash: String, openid: String, importId: id, row: Number },
      _id: false,
      default: undefined,
    },
    reminders: [
      { _id: false, at: Date, day: String, departmentId: id, phoneMasked: String, publicationId: String, unreachable: String, by: id, byName: String },
    ],
    notices: [{ _id: false, kind: String, round: Number, at: Date, publicationId: String, notified: Number, unreachable: Number }],
    registeredAt: { type: Date, required: true },
    closedAt: Date,
    createdBy: { type: id, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'suggestions' },
);
// A department's open items; the overdue list; rates per county and period.
suggestionSchema.index({ departmentIds: 1, status: 1, deadline: 1 });
suggestionSchema.index({ status: 1, deadline: 1 });
suggestionSchema.index({ registeredAt: 1 });
// The suggestions of one cell of the rates' tallies (a month of one county and category).
suggestionSchema.index({ 'region.county': 1, category: 1, registeredAt: 1 });
// The public progress page looks suggestions up by tracking number; older records have none.
suggestionSchema.index({ receiptNo: 1 }, { unique: true, partialFilterExpression: { receiptNo: { $type: 'string' } } });
// The daily limit of public submissions per address; an import's rows (undone together if it fails).
suggestionSchema.index({ 'origin.addressHash': 1, registeredAt: 1 }, { partialFilterExpression: { 'origin.addressHash': { $type: 'string' } } });
suggestionSchema.index({ 'origin.importId': 1 }, { partialFilterExpression: { 'origin.importId': { $exists: true } } });

export const Suggestion =
  (mongoose.models.Suggestion as mongoose.Model<SuggestionDoc>) ?? mongoose.model<SuggestionDoc>('Suggestion', suggestionSchema);
