import * as tf from '@tensorflow/tfjs';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/estimator.js';
import type { Guide } from '../../core/policy/guide.js';
import { readValues } from '../../core/tensor/read.js';

/** The cap on the exit logit in low-reward states: log 1e−5, as for the HyperGrid guide. */
export const GUIDE_EXIT_LOGIT_CAP = Math.log(1e-5);

/**
 * The RL-G guide on DAGs: P_F's masked log-softmax, except that in states whose log R is below
 * `logRewardThreshold` the exit logit is capped at log 1e−5 (min(exit logit, cap)). Every DAG may
 * terminate, so without the cap a backward policy trained towards P_F learns nothing about which
 * parents are worth passing through; with it, paths through graphs that score worse than the
 * threshold are steered away from stopping there, and P_B prefers parents from which P_F would
 * rather keep adding edges towards good graphs.
 */
export function createDagGuide(env: Environment, forward: Estimator, logRewardThreshold: number): Guide {
  const nA = env.nActions;
  return {
    logProbs: (states, actions) => {
      const rows = actions.length;
      const logits = readValues(() => forward.predict(tf.tensor2d(env.encode(states), [rows, env.obsDim])));
      const mask = env.forwardMask(states);
      const logR = env.logReward(states);
      const out = new Float32Array(rows);
      const l = new Float64Array(nA);
      for (let r = 0; r < rows; r++) {
        const off = r * nA;
        let max = -Infinity;
        for (let a = 0; a < nA; a++) {
          l[a] = mask[off + a] ? logits[off + a]! : -Infinity;
          if (a === nA - 1 && logR[r]! < logRewardThreshold) l[a] = Math.min(l[a]!, GUIDE_EXIT_LOGIT_CAP);
          max = Math.max(max, l[a]!);
        }
        let z = 0;
        for (let a = 0; a < nA; a++) z += Math.exp(l[a]! - max);
        out[r] = l[actions[r]!]! - max - Math.log(z);
      }
      return out;
    },
  };
}
