/**
 * Instrumentation for the speed benchmark: exclusive wall time per phase (sampling, loss forward,
 * backward, optimizer, trust-region step, network passes, environment calls, evaluation) and counts of the tfjs kernels dispatched,
 * host→tensor uploads and tensor→host reads. Counts are deterministic for a seeded run; times
 * depend on the machine's load.
 *
 * Phases nest: entering one pauses the enclosing one, so every millisecond is charged to exactly
 * one phase. The hooks wrap methods of the tfjs engine (its `tidy('forward' | 'backward')` scopes
 * inside `gradients`, its kernel dispatch, `makeTensor` and `readSync`) and of a few project
 * classes; {@link Profiler.uninstall} restores them.
 */
import * as tf from '@tensorflow/tfjs';

/** The phases a benchmark iteration is split into (the rest of an iteration is `other`). */
export const PHASES = ['sample', 'forward', 'backward', 'optimizer', 'trpo', 'network', 'env', 'evaluation'] as const;
export type Phase = (typeof PHASES)[number];

/** Counters of one measured stretch. */
export interface ProfileSnapshot {
  ms: Record<Phase, number>;
  kernels: number;
  uploads: number;
  reads: number;
  /** Kernel dispatches by kernel name. */
  byKernel: Map<string, number>;
  /** Wall ms inside each kernel (dispatch bookkeeping included) by kernel name. */
  kernelMs: Map<string, number>;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
interface Patch {
  target: Record<string, unknown>;
  key: string;
  original: unknown;
}

/** Wraps methods to time phases and count engine work; one instance at a time. */
export class Profiler {
  private readonly patches: Patch[] = [];
  private readonly ms: Record<Phase, number> = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  private kernels = 0;
  private uploads = 0;
  private reads = 0;
  private readonly byKernel = new Map<string, number>();
  private readonly kernelMs = new Map<string, number>();
  /** Open phases, innermost last, with the time the innermost one was (re)started. */
  private readonly stack: Phase[] = [];
  private since = 0;

  /** Hooks the tfjs engine (kernel dispatch, uploads, reads, gradient scopes). */
  install(): this {
    const engine = tf.engine() as unknown as Record<string, AnyFn>;
    const self = this;
    this.wrap(
      engine,
      'runKernelFunc',
      (original) =>
        function (this: unknown, params: unknown) {
          // customGrad ops also pass through here; only registered kernels are dispatches
          const name = (params as { kernelName?: string }).kernelName;
          if (name === undefined) return original.call(this, params);
          const t0 = performance.now();
          try {
            return original.call(this, params);
          } finally {
            self.countKernel(name, performance.now() - t0);
          }
        },
    );
    this.wrap(
      engine,
      'makeTensor',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          self.uploads += 1;
          return original.apply(this, args);
        },
    );
    this.wrap(
      engine,
      'readSync',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          self.reads += 1;
          return original.apply(this, args);
        },
    );
    this.wrap(
      engine,
      'tidy',
      (original) =>
        function (this: unknown, nameOrFn: unknown, fn?: unknown) {
          if (nameOrFn === 'forward' || nameOrFn === 'backward') return self.timed(nameOrFn, () => original.call(this, nameOrFn, fn));
          return original.call(this, nameOrFn, fn);
        },
    );
    return this;
  }

  /**
   * Charges the time spent in `target[key]` (a method) to `phase`; `observe`, when given, sees each
   * call's receiver and arguments first (untimed bookkeeping, e.g. recording input shapes).
   */
  timeMethod(target: object, key: string, phase: Phase, observe?: (receiver: unknown, args: unknown[]) => void): this {
    const self = this;
    this.wrap(
      target as Record<string, AnyFn>,
      key,
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          observe?.(this, args);
          return self.timed(phase, () => original.apply(this, args));
        },
    );
    return this;
  }

  /** Runs `fn`, charging its exclusive time to `phase`. */
  timed<T>(phase: Phase, fn: () => T): T {
    const now = performance.now();
    const outer = this.stack[this.stack.length - 1];
    if (outer) this.ms[outer] += now - this.since;
    this.stack.push(phase);
    this.since = now;
    try {
      return fn();
    } finally {
      const end = performance.now();
      this.ms[phase] += end - this.since;
      this.stack.pop();
      this.since = end;
    }
  }

  /** A copy of the counters so far. */
  snapshot(): ProfileSnapshot {
    return {
      ms: { ...this.ms },
      kernels: this.kernels,
      uploads: this.uploads,
      reads: this.reads,
      byKernel: new Map(this.byKernel),
      kernelMs: new Map(this.kernelMs),
    };
  }

  /** Restores every wrapped method. */
  uninstall(): void {
    for (const p of this.patches.reverse()) p.target[p.key] = p.original;
    this.patches.length = 0;
  }

  private countKernel(name: string, ms: number): void {
    this.kernels += 1;
    this.byKernel.set(name, (this.byKernel.get(name) ?? 0) + 1);
    this.kernelMs.set(name, (this.kernelMs.get(name) ?? 0) + ms);
  }

  private wrap(target: Record<string, AnyFn>, key: string, make: (original: AnyFn) => AnyFn): void {
    const original = target[key];
    if (typeof original !== 'function') throw new Error(`profile: ${key} is not a method here (tfjs or project internals changed)`);
    this.patches.push({ target: target as Record<string, unknown>, key, original });
    target[key] = make(original);
  }
}

/** `after − before`, counter by counter. */
export function difference(after: ProfileSnapshot, before: ProfileSnapshot): ProfileSnapshot {
  const diff = (a: Map<string, number>, b: Map<string, number>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [k, v] of a) {
      const d = v - (b.get(k) ?? 0);
      if (d > 0) out.set(k, d);
    }
    return out;
  };
  return {
    ms: Object.fromEntries(PHASES.map((p) => [p, after.ms[p] - before.ms[p]])) as Record<Phase, number>,
    kernels: after.kernels - before.kernels,
    uploads: after.uploads - before.uploads,
    reads: after.reads - before.reads,
    byKernel: diff(after.byKernel, before.byKernel),
    kernelMs: diff(after.kernelMs, before.kernelMs),
  };
}
