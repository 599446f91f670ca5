/**
 * Small query functions other modules use to check references into content (deputies, media) without
 * reaching into its models: each returns the subset of the given ids that exist.
 */
import { Types } from 'mongoose';
import { Deputy } from './models/deputy';
import { Media } from './models/media';

function uniqueObjectIds(ids: string[]): Types.ObjectId[] {
  return [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
}

/** Ids of live (not deleted) deputy profiles among `ids`. */
export async function existingDeputyIds(ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const found = await Deputy.find({ _id: { $in: uniqueObjectIds(ids) }, deletedAt: null }).select('_id').lean();
  return new Set(found.map((d) => String(d._id)));
}

/** Ids of stored media among `ids`. */
export async function existingMediaIds(ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const found = await Media.find({ _id: { $in: uniqueObjectIds(ids) } }).select('_id').lean();
  return new Set(found.map((d) => String(d._id)));
}


/** Live deputy profiles by exact name: name → ids (two deputies may share a name). */
export async function deputyIdsByName(names: string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(names.filter(Boolean))];
  if (!unique.length) return new Map();
  const found = await Deputy.find({ name: { $in: unique }, deletedAt: null }).select('_id name').lean();
  const byName = new Map<string, string[]>();
  for (const d of found) byName.set(d.name, [...(byName.get(d.name) ?? []), String(d._id)]);
  return byName;
}
