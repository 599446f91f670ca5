/** What clients see of a suggestion. Citizens' phones are private: masked for everyone but admins. */
import type { SuggestionDoc } from './models';
import { STATUS_LABELS } from './models';
import { maskPhone } from './departments';
import type { Actor } from './context';

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function toSuggestionView(d: SuggestionDoc, viewer: Actor) {
  return {
    id: String(d._id),
    text: d.text,
    category: d.category,
    region: d.region,
    deputyIds: d.deputyIds.map(String),
    citizen: d.citizen
      ? { name: d.citizen.name, ...(d.citizen.phone ? { phone: viewer.role === 'admin' ? d.citizen.phone : maskPhone(d.citizen.phone) } : {}) }
      : undefined,
    activityId: str(d.activityId),
    attachmentIds: d.attachmentIds.map(String),
    public: d.public,
    status: d.status,
    statusLabel: STATUS_LABELS[d.status],
    version: d.version,
    duplicateOf: str(d.duplicateOf),
    round: d.round,
    leadDepartmentId: str(d.leadDepartmentId),
    coDepartmentIds: d.coDepartmentIds.map(String),
    hard: d.hard,
    assignedAt: d.assignedAt,
    deadline: d.deadline,
    transfers: d.transfers.map((t) => ({ ...t, fromDepartmentId: String(t.fromDepartmentId), toDepartmentId: String(t.toDepartmentId), by: String(t.by) })),
    coOpinions: (d.coOpinions ?? []).map((o) => ({ ...o, departmentId: String(o.departmentId), by: String(o.by) })),
    answers: d.answers.map((a) => ({ ...a, by: String(a.by), departmentId: String(a.departmentId) })),
    ratings: d.ratings.map((r) => ({ ...r, by: String(r.by), deputyId: str(r.deputyId), source: r.source ?? 'liaison', onBehalf: (r.source ?? 'liaison') === 'liaison' })),
    lastRating: d.lastRating,
    dissatisfiedCount: d.dissatisfiedCount,
    escalations: d.escalations.map((e) => ({ ...e, _id: undefined, id: String(e._id) })),
    history: d.history.map((h) => ({ ...h, by: String(h.by) })),
    receiptNo: d.receiptNo,
    origin: d.origin?.channel ?? 'staff',
    reminders: (d.reminders ?? []).map((r) => ({ ...r, departmentId: String(r.departmentId), by: String(r.by) })),
    notices: d.notices ?? [],
    registeredAt: d.registeredAt,
    closedAt: d.closedAt,
    updatedAt: d.updatedAt,
  };
}
export type SuggestionView = ReturnType<typeof toSuggestionView>;
