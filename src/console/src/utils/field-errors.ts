/** Errors from the API shown next to the field they name (`details[].field`), in Chinese. */
import { reactive } from 'vue';
import { ApiError } from '../api/http';
import { chineseFieldMessage } from '../api/labels';

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
  }
  function set(field: string, message: string) {
    errors[field] = message;
  }
  /** Puts each named problem beside its field; true when at least one field was named. */
  function apply(err: unknown): boolean {
    clear();
    if (!(err instanceof ApiError)) return false;
    for (const f of err.fields) {
      // "region.city" shows on the region field, "topics.2" on topics.
      const key = f.field.split('.')[0] === 'region' ? f.field : f.field.replace(/\.\d+(\..*)?$/, '');
      errors[key] = errors[key] ? `${errors[key]}；${chineseFieldMessage(f.message)}` : chineseFieldMessage(f.message);
    }
    return err.fields.length > 0;
  }
  return { errors, clear, set, apply };
}
