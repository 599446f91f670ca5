/** Cuts a text to `max` characters (code points), marking the cut with an ellipsis: SMS template values and titles. */
export function clipText(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
