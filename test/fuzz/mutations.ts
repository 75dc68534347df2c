import fc from 'fast-check';

/** A place in a config: the keys (array indices as strings) from the root. */
export type Path = readonly string[];

/** A one-letter typo: a letter inserted, deleted, replaced, or two neighbours swapped. */
export interface Typo {
  kind: 'insert' | 'delete' | 'substitute' | 'swap';
  /** Where (taken modulo the word's length). */
  at: number;
  /** The letter inserted or put in place. */
  letter: string;
}

/**
 * One change to a config. `pick` chooses the place among the candidates the config offers when the
 * change is applied (modulo their number), so a case is valid for any seed config and prints as data.
 */
export type Mutation =
  | { op: 'replace'; pick: number; value: unknown }
  | { op: 'delete'; pick: number }
  | { op: 'addField'; pick: number; key: string; value: unknown }
  | { op: 'renameKey'; pick: number; typo: Typo }
  | { op: 'misspellName'; pick: number; typo: Typo }
  | { op: 'wrap'; pick: number; how: 'array' | 'object' }
  | { op: 'scale'; pick: number; factor: number };

/** Numbers at the edges: zero, negative, fractional, tiny, huge, past 32 and 53 bits, not finite. */
const EDGE_NUMBERS = [0, -0, -1, 0.5, 1e-300, Number.MIN_VALUE, 1e15, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, Infinity, -Infinity, Number.NaN];

/** Strings that look like numbers, nothing, or JSON, but are strings. */
const NUMBER_LIKE_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e999', '', ' ', 'null', 'undefined', '0x10', '1_000', '٣', 'true', '[]', '{}', '-0'];

/** Factors a number is scaled by: to huge, tiny, negative, and just past a bound. */
const SCALES = [1e6, 1e-6, -1, 1e300, 1e-300, 2 ** 31, 1.5, 0];

/** An object nested `depth` levels deep around a number. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
  return v;
}

/** A value of any JSON type (and NaN), biased towards the ones that break parsers and bounds. */
export const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBER_LIKE_STRINGS) },
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 60 }).map(nested),
);

const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'.split(''));

/** A one-letter typo. */
export const typo: fc.Arbitrary<Typo> = fc.record({ kind: fc.constantFrom('insert', 'delete', 'substitute', 'swap'), at: fc.nat(), letter });

const pick = fc.nat();

/** One change of any kind. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replace' as const), pick, value: strangeValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick }) },
  fc.record({
    op: fc.constant('addField' as const),
    pick,
    key: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom('name', 'nme', 'value')),
    value: strangeValue,
  }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('renameKey' as const), pick, typo }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('misspellName' as const), pick, typo }) },
  fc.record({ op: fc.constant('wrap' as const), pick, how: fc.constantFrom('array' as const, 'object' as const) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scale' as const), pick, factor: fc.constantFrom(...SCALES) }) },
);

/** `word` with `t` applied; never `word` itself (a no-op edit appends the letter instead). */
export function misspell(word: string, t: Typo): string {
  const at = word.length === 0 ? 0 : t.at % word.length;
  let out: string;
  if (t.kind === 'insert') out = word.slice(0, at) + t.letter + word.slice(at);
  else if (t.kind === 'delete') out = word.slice(0, at) + word.slice(at + 1);
  else if (t.kind === 'substitute') out = word.slice(0, at) + t.letter + word.slice(at + 1);
  else out = at + 1 < word.length ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word;
  return out === word || out.length === 0 ? word + t.letter : out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every place in `value`, the root included, parents before children. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children = isRecord(value) || Array.isArray(value) ? Object.keys(value) : [];
  return [prefix, ...children.flatMap((k) => pathsOf((value as Record<string, unknown>)[k], [...prefix, k]))];
}

/** The value at `path`. */
export function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), root);
}

/** The parent of `path` when it is an object (not an array), with the last key. */
function parentRecord(root: unknown, path: Path): { parent: Record<string, unknown>; key: string } | undefined {
  const parent = valueAt(root, path.slice(0, -1));
  return path.length > 0 && isRecord(parent) ? { parent, key: path.at(-1)! } : undefined;
}

/** `root` with the value at `path` (an existing place) set to `value`: the new root. */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  (valueAt(root, path.slice(0, -1)) as Record<string, unknown>)[path.at(-1)!] = value;
  return root;
}

/** The candidates of `pick`, modulo their number (none: undefined). */
const choose = <T>(candidates: readonly T[], index: number): T | undefined => (candidates.length > 0 ? candidates[index % candidates.length] : undefined);

/** A contribution name (`env.name`, `objective.name`, …): a `name` that is not the run's. */
const isContributionName = (root: unknown, p: Path): boolean => p.length > 1 && p.at(-1) === 'name' && typeof valueAt(root, p) === 'string';

/**
 * Applies one change to `root` in place and returns the new root (a change at the root replaces
 * it); a change with no candidate place (e.g. no number to scale) leaves `root` as it was.
 */
export function applyMutation(root: unknown, m: Mutation): unknown {
  const paths = pathsOf(root);
  if (m.op === 'replace' || m.op === 'wrap') {
    const p = choose(paths, m.pick)!;
    return setAt(root, p, m.op === 'replace' ? m.value : m.how === 'array' ? [valueAt(root, p)] : { value: valueAt(root, p) });
  }
  if (m.op === 'scale') {
    const p = choose(
      paths.filter((q) => typeof valueAt(root, q) === 'number'),
      m.pick,
    );
    return p ? setAt(root, p, (valueAt(root, p) as number) * m.factor) : root;
  }
  if (m.op === 'addField') {
    const target = choose(
      paths.filter((q) => isRecord(valueAt(root, q))),
      m.pick,
    );
    if (target) (valueAt(root, target) as Record<string, unknown>)[m.key] = m.value;
    return root;
  }
  const candidates = m.op === 'misspellName' ? paths.filter((q) => isContributionName(root, q)) : paths.filter((q) => parentRecord(root, q));
  const p = choose(candidates, m.pick);
  const at = p && parentRecord(root, p);
  if (!at) return root;
  if (m.op === 'delete') delete at.parent[at.key];
  else if (m.op === 'misspellName') at.parent[at.key] = misspell(String(at.parent[at.key]), m.typo);
  else {
    const value = at.parent[at.key];
    delete at.parent[at.key];
    at.parent[misspell(at.key, m.typo)] = value;
  }
  return root;
}

/** `raw` (left untouched) with every change of `mutations` applied in turn. */
export function mutate(raw: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  return mutations.reduce<unknown>((root, m) => applyMutation(root, m), structuredClone(raw));
}
