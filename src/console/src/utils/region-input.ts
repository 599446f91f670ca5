/**
 * Place names staff choose from (regions in use), loaded once. Only the content roles may read the regions list;
 * liaisons and department users type the name (the selects allow a typed value), so nothing is asked in vain.
 */
import { ref } from 'vue';
import { hasRole } from '../stores/session';
import { usePickLists } from './pick-lists';

export function useRegionChoices() {
  const picks = usePickLists();
  const ready = ref(false);
  if (hasRole('editor', 'reviewer', 'organizer')) void picks.load(['regions']).finally(() => (ready.value = true));
  else ready.value = true;
  return {
    get regions() {
      return hasRole('editor', 'reviewer', 'organizer') ? picks.regions : [];
    },
    ready,
  };
}
