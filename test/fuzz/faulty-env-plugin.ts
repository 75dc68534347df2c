import type { Environment } from '../../core/env/environment.js';
import { definePlugin } from '../../core/plugin/plugin.js';
import { HyperGrid } from '../../envs/hypergrid.js';

/** The contract methods whose output the faulty environment can break. */
export const FAULTY_METHODS = ['step', 'backwardStep', 'forwardMask', 'backwardMask', 'logReward', 'encode', 'isInitial'] as const;
export type FaultyMethod = (typeof FAULTY_METHODS)[number];

/** How a method breaks: a NaN or +Infinity log-reward, an array one too short or too long, no array, or an exception. */
export const FAULTS = ['nan', 'inf', 'short', 'long', 'none', 'throw', 'throwString'] as const;
export type Fault = (typeof FAULTS)[number];

/** The options of `faulty-grid`: which method breaks, how, and after how many good calls. */
export interface FaultOptions {
  method: FaultyMethod;
  fault: Fault;
  after: number;
  /** A broken declaration instead: s0 one too long, or a single action (no room for exit). */
  declared?: 's0' | 'nActions';
}

/** The broken output of `fault` in place of `good` (a typed array of the method's output). */
function broken(good: ArrayLike<number> & { slice(start?: number, end?: number): unknown }, fault: Fault, method: string): unknown {
  if (fault === 'nan' || fault === 'inf') {
    const out = Float64Array.from(good as ArrayLike<number>);
    out[out.length - 1] = fault === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
    return out;
  }
  if (fault === 'short') return good.slice(0, good.length - 1);
  if (fault === 'long') return Float64Array.from([...Array.from(good as ArrayLike<number>), 0]);
  if (fault === 'none') return undefined;
  // a plugin may throw anything, a string too: the guard names it all the same
  if (fault === 'throwString') throw `${method} gave up`;
  throw new Error(`${method} failed on purpose`);
}

/** A 2-D HyperGrid (height 4) whose `method` breaks as `fault` says after `after` good calls. */
export function faultyGrid(options: FaultOptions): Environment {
  const grid = new HyperGrid({ ndim: 2, height: 4, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
  let calls = 0;
  const original = grid[options.method].bind(grid) as (...args: unknown[]) => ArrayLike<number> & { slice(): unknown };
  Object.assign(grid, {
    [options.method]: (...args: unknown[]) => {
      const good = original(...args);
      return calls++ < options.after ? good : broken(good, options.fault, options.method);
    },
  });
  if (options.declared === 's0') Object.assign(grid, { s0: new Int32Array(3) });
  if (options.declared === 'nActions') Object.defineProperty(grid, 'nActions', { value: 1 });
  return grid;
}

/** A plugin contributing `faulty-grid`; also loaded by path from a config (`plugins`). */
export default definePlugin({
  name: 'faulty-plugin',
  envs: [
    {
      name: 'faulty-grid',
      description: 'a small HyperGrid whose method `method` breaks as `fault` says after `after` good calls',
      schema: {
        properties: {
          method: { type: 'string', enum: [...FAULTY_METHODS], default: 'logReward' },
          fault: { type: 'string', enum: [...FAULTS], default: 'nan' },
          after: { type: 'integer', minimum: 0, default: 0 },
          declared: { type: 'string', enum: ['s0', 'nActions'] },
        },
      },
      create: (options) => faultyGrid(options as FaultOptions),
    },
  ],
});
