/** Which fields each kind's editor shows and saves (the API's editable fields), and how empty values travel. */
import type { KindSegment } from '../../api/labels';

export const EDIT_FIELDS: Record<KindSegment, string[]> = {
  articles: ['title', 'slug', 'digest', 'body', 'coverMediaId', 'byline', 'region', 'topics', 'featured', 'relatedDeputyIds', 'relatedGroupIds', 'relatedCaseIds'],
  deputies: ['name', 'slug', 'level', 'region', 'groupId', 'occupation', 'organisation', 'photoMediaId', 'digest', 'story', 'highlights', 'topics', 'featured', 'phones'],
  groups: ['name', 'slug', 'region', 'digest', 'body', 'coverMediaId', 'roomAddress', 'members', 'activities', 'topics', 'featured'],
  cases: ['title', 'slug', 'caseKind', 'region', 'summary', 'digest', 'body', 'coverMediaId', 'figures', 'topics', 'featured', 'relatedDeputyIds', 'relatedGroupIds'],
};

const ARRAYS = new Set(['topics', 'relatedDeputyIds', 'relatedGroupIds', 'relatedCaseIds', 'highlights', 'figures', 'members', 'activities', 'phones']);

/** The form's starting value for a field. */
export function emptyValue(field: string): unknown {
  if (ARRAYS.has(field)) return [];
  if (field === 'featured') return false;
  if (field === 'region') return { city: '', county: '', township: '' };
  return '';
}

/** A loaded item → form values (dates of activities as YYYY-MM-DD, missing fields empty). */
export function toForm(fields: string[], item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = item[f];
    if (v === undefined || v === null) out[f] = emptyValue(f);
    // A digest the server derived from the body is not the editor's: the form leaves it empty (and so derived).
    else if (f === 'digest' && item.digestAuto) out[f] = '';
    else if (f === 'region') out[f] = { city: '', county: '', township: '', ...(v as object) };
    else if (f === 'activities') out[f] = (v as Record<string, unknown>[]).map((a) => ({ ...a, date: typeof a.date === 'string' ? a.date.slice(0, 10) : '' }));
    else if (f === 'phones') out[f] = (v as string[]).map((p) => ({ phone: p }));
    else out[f] = JSON.parse(JSON.stringify(v));
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  return v === '' || v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** Form value → what the API takes; undefined when the field is empty (a create omits it, an update clears it). */
export function toApi(field: string, value: unknown): unknown {
  if (field === 'region') {
    const r = Object.fromEntries(Object.entries(value as Record<string, string>).filter(([, v]) => v?.trim()));
    return Object.keys(r).length ? r : undefined;
  }
  if (field === 'phones') return (value as { phone: string }[]).map((p) => p.phone.trim()).filter(Boolean);
  if (Array.isArray(value) && value.length && typeof value[0] === 'object') {
    // Drop blank rows and blank cells of table-like lists.
    return (value as Record<string, string>[])
      .map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== '' && v !== null && v !== undefined)))
      .filter((row) => Object.keys(row).length);
  }
  return isEmpty(value) ? undefined : value;
}

/** Fields whose value differs from the saved version, as a PATCH body (null clears). */
export function changedFields(fields: string[], form: Record<string, unknown>, saved: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const now = toApi(f, form[f]);
    const before = toApi(f, saved[f]);
    if (JSON.stringify(now ?? null) === JSON.stringify(before ?? null)) continue;
    // An emptied slug means "keep the one it has" (the API allocates slugs and never clears them).
    if (f === 'slug' && now === undefined) continue;
    out[f] = now === undefined ? null : now;
  }
  return out;
}

export function createBody(fields: string[], form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = toApi(f, form[f]);
    if (v !== undefined && !(Array.isArray(v) && !v.length)) out[f] = v;
  }
  return out;
}
