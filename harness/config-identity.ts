import { createHash } from 'node:crypto';

/** JSON with object keys sorted and undefined fields dropped, so that key order is no difference. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

/**
 * What a run trains, as a canonical string: the config without `logging`. Where and how a run logs
 * does not change its results, and its absolute output folder would otherwise make a benchmark
 * folder that was moved or copied (or a run on another machine) look like a different run.
 */
export function trainingIdentity(config: object): string {
  return canonical({ ...config, logging: undefined });
}

/** A short hash of {@link trainingIdentity}: equal for configs that train the same thing. */
export function trainingHash(config: object): string {
  return createHash('sha256').update(trainingIdentity(config)).digest('hex').slice(0, 12);
}
