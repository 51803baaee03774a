/**
 * The EC2 instance types fleetward knows, from a list shipped with it and dated
 * (instance-types.json; `npm run refresh:instance-types` writes it again from DescribeInstanceTypes),
 * and the nearest known type to one that is not, for "did you mean".
 */
import known from './instance-types.json' with { type: 'json' };

/** When the shipped list was taken. */
export const INSTANCE_TYPES_DATE: string = known.date;

const TYPES: ReadonlySet<string> = new Set(known.types);

export const isKnownInstanceType = (type: string) => TYPES.has(type);

/** The number of single-character edits between two names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The known type nearest to `type` within three edits (the first in order of a tie), if any. */
export function nearestInstanceType(type: string): string | undefined {
  let best: { readonly type: string; readonly distance: number } | undefined;
  for (const candidate of TYPES) {
    const distance = editDistance(type, candidate);
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { type: candidate, distance };
  }
  return best?.type;
}
