/**
 * Activity funds (活动保障): the rule of each year, stored the first time the year is used so that a later change
 * of the default (or of next year's rule) never rewrites it; and each deputy's payments of a year in one document,
 * so a payment beyond the cap is refused atomically.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { FundRates } from '../../config';

export interface FundRuleDoc {
  /** The calendar year (Beijing time). */
  _id: number;
  rates: FundRates;
  /** 'default' when frozen from the configured default, 'set' when an admin set it. */
  source: 'default' | 'set';
  setBy?: Types.ObjectId;
  setAt: Date;
}

const rateSchema = new Schema({ perActivity: { type: Number, required: true, min: 0 }, cap: { type: Number, required: true, min: 0 } }, { _id: false });

const ruleSchema = new Schema<FundRuleDoc>(
  {
    _id: { type: Number, required: true },
    rates: { type: new Schema({ city: rateSchema, county: rateSchema, township: rateSchema }, { _id: false }), required: true },
    source: { type: String, enum: ['default', 'set'], required: true },
    setBy: { type: Schema.Types.ObjectId },
    setAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'activity_fund_rules' },
);

export const FundRule = (mongoose.models.FundRule as mongoose.Model<FundRuleDoc>) ?? mongoose.model<FundRuleDoc>('FundRule', ruleSchema);

export interface FundPayment {
  amount: number;
  paidAt: Date;
  note: string;
  by: Types.ObjectId;
}

export interface FundAccountDoc {
  /** `${year}|${deputyId}` */
  _id: string;
  year: number;
  deputyId: Types.ObjectId;
  /** Yuan paid so far this year; moved only by a conditional $inc (never past the allowance). */
  paid: number;
  payments: FundPayment[];
}

const accountSchema = new Schema<FundAccountDoc>(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    deputyId: { type: Schema.Types.ObjectId, required: true },
    paid: { type: Number, required: true, min: 0 },
    payments: {
      type: [new Schema({ amount: Number, paidAt: Date, note: String, by: Schema.Types.ObjectId }, { _id: false })],
      default: [],
    },
  },
  { versionKey: false, strict: 'throw', collection: 'activity_fund_accounts' },
);
// The ledger of a year: payments of many deputies at once.
accountSchema.index({ year: 1, deputyId: 1 });

export const FundAccount =
  (mongoose.models.FundAccount as mongoose.Model<FundAccountDoc>) ?? mongoose.model<FundAccountDoc>('FundAccount', accountSchema);
