/** The 承办单位 registry: per county, with the contact phone masked for everyone but admins. */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { Department, type DepartmentDoc } from './models';
import type { Actor } from './context';

export interface DepartmentView {
  id: string;
  county: string;
  name: string;
  contactName: string;
  contactPhone: string;
}

/** 13812345678 → 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `****${digits.slice(-2)}`;
}

export function toDepartmentView(d: DepartmentDoc, viewer: Actor): DepartmentView {
  return {
    id: String(d._id),
    county: d.county,
    name: d.name,
    contactName: d.contactName,
    contactPhone: viewer.role === 'admin' ? d.contactPhone : maskPhone(d.contactPhone),
  };
}

export interface DepartmentInput {
  county: string;
  name: string;
  contactName: string;
  contactPhone: string;
}

function duplicateName(err: unknown, input: { county?: string; name?: string }): never {
  if ((err as { code?: number }).code === 11000) throw new ConflictError(`${input.county ?? ''}已有名为「${input.name ?? ''}」的承办单位`, 'department_exists');
  throw err;
}

export async function createDepartment(input: DepartmentInput, now: Date, viewer: Actor): Promise<DepartmentView> {
  try {
    const d = await Department.create({ ...input, createdAt: now, updatedAt: now });
    return toDepartmentView(d.toObject(), viewer);
  } catch (err) {
    duplicateName(err, input);
  }
}

export async function updateDepartment(id: string, changes: Partial<DepartmentInput>, now: Date, viewer: Actor): Promise<DepartmentView> {
  const current = await Department.findOne({ _id: id, deletedAt: null }).lean();
  if (!current) throw new NotFoundError('承办单位不存在');
  try {
    const d = await Department.findOneAndUpdate({ _id: id, deletedAt: null }, { $set: { ...changes, updatedAt: now } }, { returnDocument: 'after' }).lean();
    if (!d) throw new NotFoundError('承办单位不存在');
    return toDepartmentView(d, viewer);
  } catch (err) {
    duplicateName(err, { county: changes.county ?? current.county, name: changes.name ?? current.name });
  }
}

/** Removal keeps the record (suggestions point at it); it only leaves the registry. */
export async function removeDepartment(id: string, now: Date): Promise<void> {
  const res = await Department.updateOne({ _id: id, deletedAt: null }, { $set: { deletedAt: now, updatedAt: now } });
  if (!res.matchedCount) throw new NotFoundError('承办单位不存在');
}

export async function listDepartments(filter: { county?: string }, viewer: Actor): Promise<DepartmentView[]> {
  const query: Record<string, unknown> = { deletedAt: null };
  if (filter.county) query.county = filter.county;
  if (viewer.role === 'department') query._id = viewer.departmentId ? new Types.ObjectId(viewer.departmentId) : { $in: [] };
  const found = await Department.find(query).sort({ county: 1, name: 1 }).lean();
  return found.map((d) => toDepartmentView(d, viewer));
}

/** Live departments by id, refusing (400, naming the field) any id that names none or one of another county. */
export async function requireDepartments(ids: { field: string; id: string }[], county: string): Promise<Map<string, DepartmentDoc>> {
  const found = await Department.find({ _id: { $in: ids.map((i) => new Types.ObjectId(i.id)) }, deletedAt: null }).lean();
  const byId = new Map(found.map((d) => [String(d._id), d]));
  const problems = ids.flatMap(({ field, id }) => {
    const d = byId.get(id);
    if (!d) return [{ field, message: '未找到该承办单位' }];
    if (d.county !== county) return [{ field, message: `该单位属于${d.county}，建议属于${county}` }];
    return [];
  });
  if (problems.length) throw new ValidationError('承办单位无效', problems);
  return byId;
}

/** Names of departments by id, removed ones included (a suggestion keeps pointing at them), for reading a record. */
export async function departmentNames(ids: string[]): Promise<Record<string, string>> {
  const valid = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
  if (!valid.length) return {};
  const found = await Department.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }).select('name deletedAt').lean();
  return Object.fromEntries(found.map((d) => [String(d._id), d.deletedAt ? `${d.name}（已撤销）` : d.name]));
}
