import { Type } from 'typebox';
import { MDB_LOSSES, ModifiedDetailedBalance } from '../../algorithms/value-based/mdb.js';
import { TargetNetwork } from '../../algorithms/value-based/target-network.js';
import { TOKENS } from '../../core/di/tokens.js';
import { defineObjective } from '../../core/plugin/define-contribution.js';
import { Rng } from '../../core/base/rng.js';
import { Defaulted } from '../../core/base/typed-schema.js';

/** Offset of the replay draws' random stream from the run seed (an arbitrary odd constant). */
const MDB_STREAM = 0x3c6ef373;

/**
 * Modified detailed balance with a transition replay buffer and a target network. Defaults are the
 * published DAG-GFlowNet settings (see docs/dag-mdb.md): Adam 1e-5, Huber δ = 1, 32 transitions
 * per step, 100,000 kept, a hard target copy every 1,000 steps.
 */
export const mdbContribution = defineObjective({
  name: 'mdb',
  description:
    "modified detailed balance (DAG-GFlowNet) for environments where every state can terminate: transitions from a replay buffer, a target network for log P_F(s_f|s'), uniform P_B, no flow network",
  schema: Type.Object({
    lr: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Adam learning rate of P_F (published: 1e-5)' }), 1e-5),
    loss: Defaulted(Type.Enum(MDB_LOSSES, { description: 'huber (published) or squared residuals' }), 'huber'),
    huberDelta: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'δ of the Huber loss' }), 1),
    transitionBatch: Defaulted(Type.Integer({ minimum: 1, description: 'transitions per gradient step' }), 32),
    updatesPerIteration: Defaulted(Type.Integer({ minimum: 1, description: 'gradient steps per iteration once the buffer is prefilled' }), 1),
    replayCapacity: Defaulted(Type.Integer({ minimum: 1, description: 'transitions kept (oldest overwritten first)' }), 100000),
    prefill: Defaulted(
      Type.Integer({ minimum: 1, description: 'transitions stored before the first gradient step (published: 1,000 iterations of 8 environments)' }),
      8000,
    ),
    targetEvery: Defaulted(Type.Integer({ minimum: 1, description: 'gradient steps between target-network updates' }), 1000),
    targetTau: Defaulted(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'target ← τ·P_F + (1 − τ)·target at each update: 1 = hard copy (published), < 1 = Polyak' }),
      1,
    ),
  }),
  // its transitions are its own replay: the trainer's trajectory replay would mix replayed
  // trajectories into what it stores as fresh experience; it reads the reward of every state it
  // steps through (log R(s') − log R(s)), synchronously
  traits: () => ({ keepsOwnReplay: true, readsStateRewards: true }),
  validate: ({ transitionBatch, replayCapacity, prefill }) => [
    ...(prefill > replayCapacity
      ? [{ field: 'prefill', value: prefill, reason: `exceeds replayCapacity = ${replayCapacity}: training would never start` }]
      : []),
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
});
