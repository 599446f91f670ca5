/** Place names staff choose from (regions in use), loaded once; roles without the regions list type the name. */
import { ref } from 'vue';
import { usePickLists } from './pick-lists';

export function useRegionChoices() {
  const picks = usePickLists();
  const ready = ref(false);
  void picks.load(['regions']).finally(() => (ready.value = true));
  return { get regions() {
    return picks.regions;
  }, ready };
}
