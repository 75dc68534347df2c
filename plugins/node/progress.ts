import { SingleBar } from 'cli-progress';
import { Subscription } from 'rxjs';
import { TOKENS } from '../../core/di/tokens.js';
import { rewardProgress } from '../../core/env/reward-metrics.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';
import type { ActorStats } from '../../core/sampling/actor-stats.js';

/**
 * Progress on stderr: a live bar on a TTY (iteration, training it/s, loss, latest TV or, for sampled
 * evaluation, the log p̂ / log R Spearman correlation ρ, and the evaluation time so far), plain lines every
 * `logging.every` iterations otherwise (CI logs, pipes). `logging.progress` forces either or none.
 * Runs whose objective collects its own experience (PPO, REINFORCE; CartPole) also show the mean ± std
 * return of the last `logging.episodeWindow` episodes; runs with a reward service (`reward`) its
 * recent latency, the share of rewards answered from the cache and its retries (`rewardProgress`);
 * runs with sampling actors, their trajectories per second, the largest staleness trained on and
 * the batches dropped (`actorsPart`). Iteration n is the state after n updates.
 */
export const progressSubscriber: SubscriberContribution = {
  name: 'progress',
  description: 'progress bar on a TTY, periodic plain lines otherwise (stderr)',
  attach: (resolve) => {
    const config = resolve.get(TOKENS.Config);
    const bus = resolve.get(TOKENS.EventBus);
    const mode = config.logging.progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : config.logging.progress;
    const subs = new Subscription();
    // the headline evaluation number: TV (exact) or the log p̂ / log R rank correlation (sampled)
    let headline = 'eval -';
    let evalSeconds = 0;
    // iteration n = after n updates; a resumed run's rate counts only this process's updates
    let firstIteration = 0;
    let lastIteration = 0;
    let lastLoss = NaN;
    let rate = 0;
    let episodes = '';
    let reward = '';
    let actors = '';
    const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toPrecision(digits) : '-');
    subs.add(
      bus.evaluation$.subscribe((e) => {
        const m = e.metrics;
        headline = m.tv !== undefined ? `TV ${fmt(m.tv)}` : `ρ ${fmt(m.testSpearman ?? m.sampleSpearman ?? NaN, 3)}`;
        evalSeconds += (e.durationMs ?? 0) / 1000;
      }),
    );
    subs.add(
      bus.runStarted$.subscribe((e) => {
        firstIteration = lastIteration = e.startIteration ?? 0;
        const kernels = e.kernels === 'backend' ? '' : `, network passes on ${e.kernels}`;
        process.stderr.write(`[gfn] run '${e.runName}': backend ${e.backend}${kernels}, ${e.iterations} iterations\n`);
        // the evaluation before the first update (evaluation.atStart) has already been published
        if (mode === 'lines' && evalSeconds > 0) process.stderr.write(`[gfn] iter ${firstIteration}/${e.iterations} | before the first update | ${headline}\n`);
      }),
    );
    if (mode === 'none') return subs;
    // it/s over training time only; evaluation time shown apart
    const trainingRate = (e: { iteration: number; elapsedMs: number; evaluationMs?: number }): number =>
      (e.iteration - firstIteration) / (Math.max(1e-9, e.elapsedMs - (e.evaluationMs ?? 0)) / 1000);
    const evalPart = (): string => (evalSeconds > 0 ? ` | eval ${evalSeconds.toFixed(1)} s` : '');
    // present only when the objective reports episodes (classic RL): ' | return 123.4 ± 5.6'
    const returns = (m: Readonly<Record<string, number>>): string =>
      m.episodeReturnMean === undefined ? '' : ` | return ${fmt(m.episodeReturnMean)} ± ${fmt(m.episodeReturnStd ?? NaN)}`;

    if (mode === 'bar') {
      const bar = new SingleBar({
        format: 'iter {value}/{total} | {rate} it/s | loss {loss} | {tv}{evaluation}{episodes}{reward}{actors} | {bar} {percentage}% | eta {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
      });
      let started = false;
      subs.add(
        bus.runStarted$.subscribe((e) => {
          bar.start(e.iterations, e.startIteration ?? 0, { rate: '-', loss: '-', tv: headline, evaluation: evalPart(), episodes: '', reward: '', actors: '' });
          started = true;
        }),
      );
      subs.add(
        bus.iteration$.subscribe((e) => {
          rate = trainingRate(e);
          bar.update(e.iteration, {
            rate: rate.toFixed(1),
            loss: fmt(e.metrics.loss ?? NaN),
            tv: headline,
            evaluation: evalPart(),
            episodes: returns(e.metrics),
            reward: rewardProgress(e.metrics),
            actors: actorsPart(e.actors),
          });
        }),
      );
      // the evaluation at iteration 0 arrives while the run starts, before the bar does
      subs.add(bus.evaluation$.subscribe(() => started && bar.update({ tv: headline, evaluation: evalPart() })));
      const stop = (): void => bar.stop();
      subs.add(bus.runFinished$.subscribe(stop));
      subs.add(bus.runStopped$.subscribe(stop));
      subs.add(bus.error$.subscribe(stop));
      return subs;
    }

    const line = (): string =>
      `[gfn] iter ${lastIteration}/${config.iterations} | ${rate.toFixed(1)} it/s | loss ${fmt(lastLoss)} | ${headline}${evalPart()}${episodes}${reward}${actors}\n`;
    subs.add(
      bus.iteration$.subscribe((e) => {
        lastIteration = e.iteration;
        lastLoss = e.metrics.loss ?? NaN;
        episodes = returns(e.metrics);
        reward = rewardProgress(e.metrics);
        actors = actorsPart(e.actors);
        rate = trainingRate(e);
        if (e.iteration % config.logging.every === 0) process.stderr.write(line());
      }),
    );
    subs.add(
      bus.runFinished$.subscribe((e) => {
        if (lastIteration % config.logging.every !== 0 && lastIteration > firstIteration) process.stderr.write(line());
        const evaluation = (e.evaluationMs ?? 0) / 1000;
        process.stderr.write(
          `[gfn] finished ${e.iterations} iterations in ${(e.elapsedMs / 1000).toFixed(1)} s (training ${(e.elapsedMs / 1000 - evaluation).toFixed(1)} s, evaluation ${evaluation.toFixed(1)} s)\n`,
        );
      }),
    );
    return subs;
  },
};

/** ' | actors 2: 612 traj/s, lag ≤ 3, 4 dropped' for a run with sampling actors; '' otherwise. */
export function actorsPart(stats: ActorStats | undefined): string {
  if (!stats) return '';
  const rate = stats.trajectoriesPerSecond.reduce((a, b) => a + b, 0);
  const maxLag = stats.staleness.length - 1;
  return ` | actors ${stats.trajectoriesPerSecond.length}: ${rate.toFixed(0)} traj/s, lag ≤ ${Math.max(0, maxLag)}, ${stats.droppedBatches} dropped`;
}
