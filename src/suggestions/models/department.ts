/** 承办单位: the government units of a county that answer suggestions. The contact phone is private. */
import mongoose, { Schema, type Types } from 'mongoose';

export interface DepartmentDoc {
  _id: Types.ObjectId;
  county: string;
  name: string;
  contactName: string;
  /** Mainland mobile or landline of the contact; shown whole to admins only. */
  contactPhone: string;
  deletedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const departmentSchema = new Schema<DepartmentDoc>(
  {
    county: { type: String, required: true, trim: true },
    name: { type: String, required: true, trim: true },
    contactName: { type: String, required: true, trim: true },
    contactPhone: { type: String, required: true, trim: true },
    deletedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'departments' },
);
// One name per county; the registry lists a county's units by name.
departmentSchema.index({ county: 1, name: 1 }, { unique: true });

export const Department =
  (mongoose.models.Department as mongoose.Model<DepartmentDoc>) ?? mongoose.model<DepartmentDoc>('Department', departmentSchema);
