import type { Rng } from '../../base/rng.js';
import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../tensor/estimator.js';
import { maskedLogProbsOf } from '../../policy/categorical.js';
import { Sampler } from '../../sampling/sampler.js';
import type { Trajectories } from '../../sampling/trajectories.js';

/**
 * Most logits (floats) one forward sampling keeps for its own scoring, 32 MiB: beyond that (wide
 * action spaces, long trajectories) the samples are scored again by a second pass instead.
 */
const KEPT_LOGITS = 1 << 23;

/** Forward samples and, when they could be kept, log P_F(τ) of each from the logits that drew it. */
export interface ScoredSamples {
  batch: Trajectories;
  /** log P_F(τ), exit included, float64 summed in step order; undefined: score the batch again. */
  logPF?: Float64Array;
}

/**
 * A sampler whose forward samples come with log P_F(τ): the logits the sampler computed at each
 * step to draw the actions are kept (up to {@link KEPT_LOGITS}) and the drawn actions scored on
 * them, so the sampled evaluation does not send every sampled state through P_F a second time.
 * The sampler's steps are matched to the trajectories (step t: the trajectories still running, in
 * order); a sampler that stepped otherwise gives no `logPF`, never a wrong one.
 */
export class ScoringSampler extends Sampler {
  private kept: { states: Int32Array; logits: Float32Array }[] | undefined;
  private keptFloats = 0;

  constructor(
    private readonly environment: Environment,
    forward: Estimator,
    rng: Rng,
    /** Most logits one forward sampling keeps (floats). */
    private readonly keptLogits = KEPT_LOGITS,
  ) {
    super(environment, forward, rng);
  }

  override forwardLogits(states: Int32Array): Float32Array {
    const logits = super.forwardLogits(states);
    if (this.kept) {
      this.keptFloats += logits.length;
      if (this.keptFloats > this.keptLogits) this.kept = undefined;
      else this.kept.push({ states, logits });
    }
    return logits;
  }

  /** `n` forward samples under P_F (no exploration) and their log P_F(τ) where it could be kept. */
  sampleForwardScored(n: number): ScoredSamples {
    this.kept = [];
    this.keptFloats = 0;
    let batch: Trajectories;
    let steps: { states: Int32Array; logits: Float32Array }[] | undefined;
    try {
      batch = this.sampleForward(n);
    } finally {
      steps = this.kept;
      this.kept = undefined;
    }
    const logPF = steps && this.score(batch, steps);
    return logPF ? { batch, logPF } : { batch };
  }

  private score(batch: Trajectories, steps: readonly { states: Int32Array; logits: Float32Array }[]): Float64Array | undefined {
    const env = this.environment;
    const d = batch.stateDim;
    const logPF = new Float64Array(batch.nTraj);
    let t = 0;
    for (; t < steps.length; t++) {
      const { states, logits } = steps[t]!;
      const rows: number[] = [];
      for (let i = 0; i < batch.nTraj; i++) if (batch.lengths[i]! > t) rows.push(i);
      if (rows.length * d !== states.length || logits.length !== rows.length * env.nActions) return undefined;
      for (let k = 0; k < rows.length; k++) {
        const s = batch.state(t, rows[k]!);
        for (let c = 0; c < d; c++) if (s[c] !== states[k * d + c]) return undefined;
      }
      const lp = maskedLogProbsOf(
        logits,
        env.forwardMask(states),
        env.nActions,
        rows.map((i) => batch.action(t, i)),
      );
      for (let k = 0; k < rows.length; k++) logPF[rows[k]!]! += lp[k]!;
    }
    // every step of every trajectory scored: no step the sampler took without these logits
    for (let i = 0; i < batch.nTraj; i++) if (batch.lengths[i]! > t) return undefined;
    return logPF;
  }
}
