/**
 * What every kind of speed setting shares: the run context, the result shape, process CPU time,
 * the profiler hooks on the project's classes, and per-unit scaling of a profile.
 */
import * as tf from '@tensorflow/tfjs';
import { TrustRegionStep } from '../../algorithms/policy-based/trpo.js';
import type { PluginRegistry } from '../../core/plugin/plugin.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Float32Adam } from '../../core/tensor/float32-adam.js';
import { HostAdam } from '../../core/tensor/host-adam.js';
import type { ProfileSnapshot, Profiler } from '../profile.js';

/** What the command line decided, shared by every setting. */
export interface BenchContext {
  registry: PluginRegistry;
  /** The tensor backend in use (`selectBackend`'s answer). */
  backend: string;
  /** The config field `engine.name` of every training run (`auto`, `backend`, `onnxruntime`). */
  engine: string;
  /** Exact evaluations per evaluation setting. */
  evaluations: number;
  /** Environment settings: time one evaluation after the measured iterations. */
  evaluation: boolean;
  /** Measured iterations, overriding each setting's own. */
  iterations?: number;
  /** Warm-up iterations, overriding each setting's own. */
  warmup?: number;
}

/** One setting's measurement, per iteration (training) or per evaluation. */
export interface Result {
  id: string;
  label: string;
  /** Iterations or evaluations measured. */
  count: number;
  wallMs: number;
  cpuMs: number;
  /** Counters per iteration or evaluation. */
  profile: ProfileSnapshot;
  /** Evaluation: ms to build the transition table (once, before the evaluations). */
  setupMs?: number;
  /** Training: ms/it of the instrumented run, which the phase shares are of. */
  profiledWallMs?: number;
}

/** Process CPU ms so far, user and system: the better figure on a loaded machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Charges sampling, the optimizers (tfjs Adam and both host Adams) and the trust-region step to their phases. */
export function instrument(p: Profiler): Profiler {
  // walkForward: the lock-step loop every forward sampler (sync, async, recorded) runs; timing the
  // async ones would charge their awaits to the phase, and the rewards after it are environment work
  return p
    .timeMethod(Sampler.prototype, 'walkForward', 'sample')
    .timeMethod(Sampler.prototype, 'sampleBackward', 'sample')
    .timeMethod(tf.AdamOptimizer.prototype, 'applyGradients', 'optimizer')
    .timeMethod(Float32Adam.prototype, 'applyGradients', 'optimizer')
    .timeMethod(HostAdam.prototype, 'applyGradients', 'optimizer')
    .timeMethod(TrustRegionStep.prototype, 'step', 'trpo');
}

/** `p` divided by `n` (iterations or evaluations), counter by counter. */
export function perUnit(p: ProfileSnapshot, n: number): ProfileSnapshot {
  const ms = { ...p.ms };
  for (const k of Object.keys(ms) as Array<keyof typeof ms>) ms[k] /= n;
  const scale = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, v / n]));
  return { ms, kernels: p.kernels / n, uploads: p.uploads / n, reads: p.reads / n, byKernel: scale(p.byKernel), kernelMs: scale(p.kernelMs) };
}
