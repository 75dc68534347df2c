import { describe, expect, it } from 'vitest';
import { readRawConfig } from '../../plugins/node/config-file.js';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import { evaluatePolicy } from '../../core/gym/evaluate-policy.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);

describe('PPO solves CartPole (configs/cartpole-ppo.json, seed 0)', () => {
  it('the training return reaches 475 (mean of the last 100 episodes); then 20 seeded evaluation episodes average ≥ 475', async () => {
    const config = resolveConfig({ ...readRawConfig('configs/cartpole-ppo.json'), backend: 'wasm' }, registry);
    let reachedAt: number | undefined;
    let evaluation: { returns: number[]; lengths: number[] } | undefined;
    let stepsPerSecond = 0;
    await train(config, registry, {
      subscribers: [],
      beforeRun: (container, bus) => {
        bus.iteration$.subscribe((e) => {
          stepsPerSecond = e.environmentSteps! / (e.elapsedMs / 1000);
          if (reachedAt === undefined && (e.metrics.episodeReturnMean ?? 0) >= 475) {
            reachedAt = e.environmentSteps;
            container.get(TOKENS.Trainer).stop();
          }
        });
        // evaluated before the run frees its networks
        bus.runFinished$.subscribe(() => {
          evaluation = evaluatePolicy(container.get(TOKENS.GymEnvFactory), container.get(TOKENS.ForwardEstimator), { episodes: 20, seed: 1000, greedy: true });
        });
      },
    });
    const mean = evaluation!.returns.reduce((a, b) => a + b, 0) / evaluation!.returns.length;
    console.log(
      `PPO CartPole: training mean return ≥ 475 after ${reachedAt} environment steps (${stepsPerSecond.toFixed(0)} steps/s incl. updates); evaluation over 20 episodes: mean ${mean.toFixed(1)}, min ${Math.min(...evaluation!.returns)}`,
    );
    expect(reachedAt).toBeDefined();
    expect(evaluation!.returns.length).toBe(20);
    expect(mean).toBeGreaterThanOrEqual(475);
  });
});
