import { MDB_LOSSES, type MdbOptions, ModifiedDetailedBalance } from '../../algorithms/value-based/mdb.js';
import { TargetNetwork } from '../../algorithms/value-based/target-network.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Objective } from '../../core/objectives/objective.js';
import type { ObjectiveContribution } from '../../core/plugin/plugin.js';
import { Rng } from '../../core/base/rng.js';

/** Offset of the replay draws' random stream from the run seed (an arbitrary odd constant). */
const MDB_STREAM = 0x3c6ef373;

type MdbConfig = MdbOptions & { targetEvery: number; targetTau: number };

/**
 * Modified detailed balance with a transition replay buffer and a target network. Defaults are the
 * published DAG-GFlowNet settings (see docs/dag-mdb.md): Adam 1e-5, Huber δ = 1, 32 transitions
 * per step, 100,000 kept, a hard target copy every 1,000 steps.
 */
export const mdbContribution: ObjectiveContribution<Objective, MdbConfig> = {
  name: 'mdb',
  description: 'modified detailed balance (DAG-GFlowNet) for environments where every state can terminate: transitions from a replay buffer, a target network for log P_F(s_f|s\'), uniform P_B, no flow network',
  schema: {
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0, default: 1e-5, description: 'Adam learning rate of P_F (published: 1e-5)' },
      loss: { enum: [...MDB_LOSSES], default: 'huber', description: 'huber (published) or squared residuals' },
      huberDelta: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'δ of the Huber loss' },
      transitionBatch: { type: 'integer', minimum: 1, default: 32, description: 'transitions per gradient step' },
      updatesPerIteration: { type: 'integer', minimum: 1, default: 1, description: 'gradient steps per iteration once the buffer is prefilled' },
      replayCapacity: { type: 'integer', minimum: 1, default: 100000, description: 'transitions kept (oldest overwritten first)' },
      prefill: { type: 'integer', minimum: 1, default: 8000, description: 'transitions stored before the first gradient step (published: 1,000 iterations of 8 environments)' },
      targetEvery: { type: 'integer', minimum: 1, default: 1000, description: 'gradient steps between target-network updates' },
      targetTau: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'target ← τ·P_F + (1 − τ)·target at each update: 1 = hard copy (published), < 1 = Polyak' },
    },
  },
  // its transitions are its own replay: the trainer's trajectory replay would mix replayed
  // trajectories into what it stores as fresh experience
  traits: () => ({ keepsOwnReplay: true }),
  validate: ({ transitionBatch, replayCapacity, prefill }) => [
    ...(prefill > replayCapacity ? [{ field: 'prefill', value: prefill, reason: `exceeds replayCapacity = ${replayCapacity}: training would never start` }] : []),
    ...(transitionBatch > replayCapacity ? [{ field: 'transitionBatch', value: transitionBatch, reason: `exceeds replayCapacity = ${replayCapacity}` }] : []),
  ],
  create: (options, resolve) => {
    const env = resolve.get(TOKENS.Environment);
    const forward = resolve.get(TOKENS.ForwardEstimator);
    const config = resolve.get(TOKENS.Config);
    const copy = resolve.get(TOKENS.EstimatorFactory)({ role: 'target', inputDim: env.obsDim, outputDim: env.nActions });
    const target = new TargetNetwork(forward, copy, options.targetEvery, options.targetTau);
    return new ModifiedDetailedBalance(env, forward, target, options, new Rng(config.seed + MDB_STREAM));
  },
};
