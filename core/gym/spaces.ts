/**
 * Gymnasium-style spaces: what an environment accepts as actions and returns as observations.
 * Only the two kinds the trainer's policies need: a finite set of actions ({@link Discrete}) and
 * a box of real vectors ({@link Box}, the observations).
 */

/** The integers `0 … n − 1`. */
export interface Discrete {
  readonly kind: 'discrete';
  readonly n: number;
}

/** Real vectors of a fixed shape with elementwise bounds (±Infinity = unbounded). */
export interface Box {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export type Space = Discrete | Box;

/** A {@link Discrete} space of `n` actions. */
export function discrete(n: number): Discrete {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Discrete: n must be a positive integer, got ${n}`);
  return { kind: 'discrete', n };
}

/**
 * A flat {@link Box} with the given bounds (one entry per coordinate), or of `size` coordinates
 * with the same scalar bounds.
 */
export function box(low: ArrayLike<number> | number, high: ArrayLike<number> | number, size?: number): Box {
  const n = size ?? (typeof low === 'number' ? (typeof high === 'number' ? 1 : high.length) : low.length);
  const lo = Float32Array.from({ length: n }, (_, i) => (typeof low === 'number' ? low : low[i]!));
  const hi = Float32Array.from({ length: n }, (_, i) => (typeof high === 'number' ? high : high[i]!));
  for (let i = 0; i < n; i++) if (!(lo[i]! <= hi[i]!)) throw new Error(`Box: low[${i}] = ${lo[i]} exceeds high[${i}] = ${hi[i]}`);
  return { kind: 'box', shape: [n], low: lo, high: hi };
}

/** Number of reals in one element of a box (the product of its shape). */
export function boxSize(space: Box): number {
  return space.shape.reduce((a, b) => a * b, 1);
}

/** Whether `value` belongs to `space` (an integer action, or a vector inside the bounds). */
export function contains(space: Space, value: number | ArrayLike<number>): boolean {
  if (space.kind === 'discrete') return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < space.n;
  if (typeof value === 'number' || value.length !== boxSize(space)) return false;
  for (let i = 0; i < value.length; i++) if (!(value[i]! >= space.low[i]! && value[i]! <= space.high[i]!)) return false;
  return true;
}
