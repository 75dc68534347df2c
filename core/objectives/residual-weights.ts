import type { Environment } from '../env/environment.js';
import { isConditional } from '../env/condition/conditional-environment.js';
import type { Trajectories } from '../sampling/trajectories.js';

/**
 * The weight of each trajectory's squared residual in a conditional run (`condition.residualWeight`:
 * 1/β by default); undefined = equal weights, as in every unconditional run.
 */
export function residualWeights(env: Environment, batch: Trajectories): Float32Array | undefined {
  return isConditional(env) ? env.residualWeights(batch.firstStates()) : undefined;
}
