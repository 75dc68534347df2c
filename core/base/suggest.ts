import { distance } from 'fastest-levenshtein';

/**
 * The valid name closest to `value` by Levenshtein distance (ignoring case), when it is close enough
 * to be a typo of it: at most one edit per three characters of `value`, rounded up. Levenshtein
 * counts two swapped letters as two edits, so the rounding up is what lets a four-letter name
 * ("atuo") be matched across one swap ("auto"). Ties go to the name that sorts first, so that the
 * suggestion does not depend on the order of `choices`. Undefined when nothing is that close, or
 * when `value` is no string.
 */
export function nearestName(value: unknown, choices: Iterable<string>): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const typed = value.toLowerCase();
  const budget = Math.ceil(value.length / 3);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const choice of [...choices].sort()) {
    // a name that differs only in case is still a suggestion (names are case-sensitive), the same name is not
    if (choice === value) continue;
    const d = distance(typed, choice.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [choice, d];
  }
  return bestDistance <= budget ? best : undefined;
}

/**
 * `; did you mean "<name>"?` for the name of `choices` nearest to `value` ({@link nearestName}), to
 * end a problem's message with (after its list of valid choices); the empty string when none is near.
 */
export function didYouMean(value: unknown, choices: Iterable<string>): string {
  const near = nearestName(value, choices);
  return near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`;
}
