import { describe, expect, it } from 'vitest';
import { GFlowNetGymEnv, gymEnvFactoryOf } from '../../core/gym/gflownet-adapter.js';
import { VectorEnv } from '../../core/gym/vector-env.js';
import { sampleUniformAllowed } from '../../core/policy/categorical.js';
import { Rng } from '../../core/base/rng.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const grids = [
  new HyperGrid({ ndim: 2, height: 5, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false }),
  new HyperGrid({ ndim: 3, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false }),
];

describe('the Gym adapter over a GFlowNet environment', () => {
  it.each(grids.map((g) => [`${g.stateDim}-D H=${g.options.height}`, g] as const))(
    '%s: the same action sequence gives the same observations, masks, terminal states and rewards as stepping the environment directly',
    (_label, env) => {
      const gym = new GFlowNetGymEnv(env);
      expect(gym.actionSpace).toEqual({ kind: 'discrete', n: env.nActions });
      expect(gym.observationSpace.shape).toEqual([env.obsDim]);
      const rng = new Rng(11);
      const terminals = new Set<string>();
      for (let episode = 0; episode < 200; episode++) {
        let state: Int32Array = env.s0.slice();
        let [obs, info] = gym.reset({ seed: episode });
        let totalReward = 0;
        for (;;) {
          // the adapter shows exactly the environment's view of the current state
          expect(Array.from(obs)).toEqual(Array.from(env.encode(state)));
          expect(Array.from(info.actionMask!)).toEqual(Array.from(env.forwardMask(state)));
          expect(Array.from(info.state!)).toEqual(Array.from(state));
          const action = sampleUniformAllowed(env.forwardMask(state), env.nActions, rng)[0]!;
          const [nextObs, reward, terminated, truncated, nextInfo] = gym.step(action);
          totalReward += reward;
          expect(truncated).toBe(false);
          if (action === env.nActions - 1) {
            // exit: the episode ends at x = state with reward log R(x)
            expect(terminated).toBe(true);
            expect(reward).toBe(env.logReward(state)[0]);
            expect(Array.from(nextInfo.state!)).toEqual(Array.from(state));
            expect(Array.from(nextObs)).toEqual(Array.from(env.encode(state)));
            expect(nextInfo.actionMask!.every((m) => m === 0)).toBe(true);
            terminals.add(state.join(','));
            break;
          }
          expect(terminated).toBe(false);
          expect(reward).toBe(0);
          state = env.step(state, Int32Array.of(action));
          obs = nextObs;
          info = nextInfo;
        }
        // the undiscounted return is log R of the terminal state
        expect(totalReward).toBe(env.logReward(state)[0]);
      }
      // a varied set of terminal states was exercised
      expect(terminals.size).toBeGreaterThan(10);
    },
  );

  it('through a VectorEnv, finished episodes carry their terminal state and return log R(x)', () => {
    const env = grids[0]!;
    const vec = new VectorEnv(gymEnvFactoryOf(env), 4);
    const rng = new Rng(3);
    const [, resetInfos] = vec.reset({ seed: 0 });
    let masks = vec.actionMasks(resetInfos);
    const states: Int32Array[] = Array.from({ length: 4 }, () => env.s0.slice());
    let finished = 0;
    while (finished < 50) {
      const actions = sampleUniformAllowed(masks, env.nActions, rng);
      const [, rewards, terminated, , infos] = vec.step(actions);
      for (let i = 0; i < 4; i++) {
        const a = actions[i]!;
        if (a === env.nActions - 1) {
          expect(terminated[i]).toBe(1);
          expect(rewards[i]).toBe(env.logReward(states[i]!)[0]);
          expect(Array.from(infos[i]!.final!.info.state!)).toEqual(Array.from(states[i]!));
          expect(infos[i]!.episode!.return).toBe(env.logReward(states[i]!)[0]);
          // the copy restarted at s0
          expect(Array.from(infos[i]!.state!)).toEqual(Array.from(env.s0));
          states[i] = env.s0.slice();
          finished++;
        } else {
          expect(terminated[i]).toBe(0);
          states[i] = env.step(states[i]!, Int32Array.of(a));
          expect(Array.from(infos[i]!.state!)).toEqual(Array.from(states[i]!));
        }
      }
      masks = vec.actionMasks(infos);
    }
  });

  it('rejects actions outside the mask and steps after exit', () => {
    const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const gym = new GFlowNetGymEnv(env);
    expect(() => gym.step(0)).toThrow(/reset/);
    gym.reset();
    gym.step(0);
    gym.step(0);
    // coordinate 0 is at the border
    expect(() => gym.step(0)).toThrow(/not allowed/);
    gym.step(2);
    expect(() => gym.step(1)).toThrow(/reset/);
  });

  it('the factory names the GFlowNet environment behind it', () => {
    const env = grids[0]!;
    const factory = gymEnvFactoryOf(env);
    expect(factory.gflownet).toBe(env);
    expect(factory.kind).toBe('gym');
    expect(factory.make()).not.toBe(factory.make());
  });
});
