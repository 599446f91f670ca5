/** Shapes of the operations API's responses (activities, funds, coverage, suggestions, Weibo) as the console uses them. */
export type ActivityStatus = 'planned' | 'held' | 'cancelled';
export type AttendanceStatus = 'present' | 'excused' | 'absent';
export type DeputyLevel = 'city' | 'county' | 'township';

export interface Participant {
  deputyId: string;
  name: string;
  level: DeputyLevel;
  status: AttendanceStatus | null;
  statusLabel: string | null;
  reason: string | null;
}

export interface Activity {
  id: string;
  groupId: string;
  groupName: string;
  region: { city?: string; county?: string; township?: string };
  status: ActivityStatus;
  statusLabel: string;
  kind: string;
  kindLabel: string;
  subject: string;
  startsAt: string;
  endsAt: string | null;
  place: string;
  summary: string;
  outcomes: string;
  photoMediaIds: string[];
  householdsReached: number;
  villagesReached: number;
  participants: Participant[];
  attendance: { present: number; excused: number; absent: number; total: number };
  guests: { name: string; title?: string }[];
  cancelReason: string | null;
  noticePublicationId: string | null;
  newsArticleId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RosterMember {
  id: string;
  name: string;
  level: DeputyLevel;
  leader: boolean;
}

export interface RosterGroup {
  id: string;
  name: string;
  region: { city?: string; county?: string; township?: string };
  roomAddress: string;
  members: RosterMember[];
  mayRecord: boolean;
}

export interface NoticeResult {
  publicationId?: string;
  notified: number;
  unreachable: { deputyId: string; name: string }[];
}

export interface FundRate {
  perActivity: number;
  cap: number;
}
export interface FundRule {
  year: number;
  rates: Record<DeputyLevel, FundRate>;
  source: 'default' | 'set';
  setAt: string;
}

export interface DeputyFunds {
  deputyId: string;
  name: string;
  level: DeputyLevel;
  levelLabel?: string;
  groups?: string[];
  township?: string;
  attended: number;
  perActivity: number;
  cap: number;
  allowance: number;
  remainingUnderCap: number;
  paid: number;
  unpaid: number;
  payments?: { amount: number; paidAt: string; note?: string }[];
}

export interface Ledger {
  year: number;
  scope: { level: string; name: string };
  rule: FundRule;
  deputies: DeputyFunds[];
  groups: { groupId: string; name: string; township: string; members: number; attended: number; total: number }[];
  totals: { allowance: number; paid: number; unpaid: number; remainingUnderCap: number };
}

export type FigureKey = 'leaders' | 'attendance' | 'supervision' | 'suggestions' | 'guarantees';
export interface CoverageFigure {
  key: FigureKey;
  label: string;
  status: 'measured' | 'not_measured';
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  missingCount: number | null;
  note?: string;
}
export interface CoverageReport {
  scope: { level: string; name: string };
  period: { key: string; kind: string; label: string; start: string; end: string };
  figures: CoverageFigure[];
}
export interface CoverageChart {
  by: 'region' | 'month';
  labels: string[];
  series: { key: FigureKey; label: string; rates: (number | null)[]; numerators: (number | null)[]; denominators: (number | null)[] }[];
}

export interface SupervisionVisit {
  id: string;
  date: string;
  committee: string;
  county: string;
  townships: string[];
  note: string;
}

export type SuggestionStatus = 'registered' | 'sorted' | 'assigned' | 'transferred' | 'answered' | 'rated' | 'closed' | 'merged';

export interface Department {
  id: string;
  county: string;
  name: string;
  contactName: string;
  contactPhone: string;
}

export interface Suggestion {
  id: string;
  text: string;
  category: string;
  region: { city?: string; county: string; township?: string; village?: string };
  deputyIds: string[];
  citizen?: { name: string; phone?: string };
  activityId?: string;
  attachmentIds: string[];
  public: boolean;
  status: SuggestionStatus;
  statusLabel: string;
  version: number;
  duplicateOf?: string;
  round: number;
  leadDepartmentId?: string;
  coDepartmentIds: string[];
  hard: boolean;
  assignedAt?: string;
  deadline?: string;
  transfers: { fromDepartmentId: string; toDepartmentId: string; reason: string; at: string; by: string }[];
  coOpinions: { departmentId: string; text: string; at: string; by: string }[];
  answers: { round: number; text: string; answerClass: 'A' | 'B' | 'C'; meeting: { at: string; participants: string; place?: string }; at: string; by: string; departmentId: string; onTime: boolean }[];
  ratings: { round: number; rating: string; comment: string; at: string; by: string }[];
  lastRating?: string;
  dissatisfiedCount: number;
  escalations: { id: string; reason: 'second_dissatisfied' | 'overdue'; openedAt: string; kind?: string; date?: string; outcome?: string; recordedAt?: string }[];
  history: { action: string; from: SuggestionStatus; to: SuggestionStatus; at: string; by: string; byName: string; note?: string }[];
  /** 督办 SMS to the lead department, at most one per Beijing day. */
  reminders?: SuggestionReminder[];
  /** SMS to the deputies (交办, and 答复 with the satisfaction links), per round. */
  notices?: DeputyNotice[];
  receiptNo?: string;
  registeredAt: string;
  closedAt?: string;
  updatedAt: string;
  /** GET /suggestions/:id only. */
  deputies?: { id: string; name: string }[];
  departmentNames?: Record<string, string>;
}

export interface SuggestionReminder {
  at: string;
  day: string;
  departmentId: string;
  phoneMasked?: string;
  publicationId?: string;
  unreachable?: string;
  byName: string;
}

export interface DeputyNotice {
  kind: 'assigned' | 'answered';
  round: number;
  at: string;
  publicationId: string | null;
  notified: number;
  unreachable: number;
}

/** POST …/remind: whether an SMS went (no_mobile: recorded, 督办 by telephone). */
export interface ReminderResult {
  id: string;
  reminded: boolean;
  reason?: string;
  reminder?: SuggestionReminder;
}

export interface RateRow {
  key: string | null;
  label: string;
  counts: { registered: number; assigned: number; closed: number; rated: number; satisfied: number; due: number; onTime: number };
  rates: { assignmentRate: number | null; closureRate: number | null; satisfactionRate: number | null; onTimeRate: number | null };
}

export interface WeiboStatus {
  configured: boolean;
  connected: boolean;
  uid?: string;
  connectedAt?: string;
  connectedBy?: string;
  expiresAt?: string;
  expiresSoon: boolean;
  expired: boolean;
  rejected: boolean;
  reconnectNeeded: boolean;
  expiryWarnedAt?: string;
}
