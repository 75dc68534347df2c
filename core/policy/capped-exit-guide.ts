import { networkInput } from './network-input.js';
import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { readValues } from '../tensor/read.js';
import type { Guide } from './guide.js';

/** The cap on the exit logit in low-reward states: log 1e−5 (the paper's guide). */
export const GUIDE_EXIT_LOGIT_CAP = Math.log(1e-5);

/**
 * A guide that reshapes P_F: its masked log-softmax, except that in states whose log R is
 * "low" (`isLowReward`) the exit logit is capped at log 1e−5, i.e. min(exit logit, cap). A backward
 * policy trained towards it learns to avoid parents from which a forward trajectory would only
 * have stopped at a low-reward state. Used by the HyperGrid and DAG guides of RL-G.
 */
export function cappedExitGuide(env: Environment, forward: Estimator, isLowReward: (logReward: number) => boolean): Guide {
  const nA = env.nActions;
  return {
    logProbs: (states, actions) => {
      const rows = actions.length;
      const logits = readValues(() => forward.predict(networkInput(env, forward, states)));
      const mask = env.forwardMask(states);
      const logR = env.logReward(states);
      const out = new Float32Array(rows);
      const l = new Float64Array(nA);
      for (let r = 0; r < rows; r++) {
        const off = r * nA;
        let max = -Infinity;
        for (let a = 0; a < nA; a++) {
          l[a] = mask[off + a] ? logits[off + a]! : -Infinity;
          if (a === nA - 1 && isLowReward(logR[r]!)) l[a] = Math.min(l[a]!, GUIDE_EXIT_LOGIT_CAP);
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
