import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { EventBus } from '../../core/events/bus.js';
import { failureContext } from '../../core/events/failure.js';
import { definePlugin, PluginRegistry, type SubscriberContribution } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import faults from './fault-plugin.js';
import { faultRun } from './fault-runs.js';

const FAIL_AT = 7;

/** A subscriber that subscribes `subscribe` (which fails at iteration FAIL_AT). */
const failing = (name: string, subscribe: (bus: EventBus) => unknown): SubscriberContribution => ({
  name,
  description: `fails at iteration ${FAIL_AT} (tests)`,
  attach: (resolve) => {
    subscribe(resolve.get(TOKENS.EventBus));
    return undefined;
  },
});
const boom = (what: string): Error => new Error(`${what}: a scripted fault`);

const subscribers = definePlugin({
  name: 'failing-subscribers',
  subscribers: [
    failing('thrower', (bus) =>
      bus.iteration$.subscribe(({ iteration }) => {
        if (iteration === FAIL_AT) throw boom('thrower');
      }),
    ),
    failing('pipe-thrower', (bus) =>
      bus.iteration$
        .pipe(
          map(({ iteration }) => {
            if (iteration === FAIL_AT) throw boom('pipe-thrower');
            return iteration;
          }),
        )
        .subscribe(),
    ),
    failing('async-rejecter', (bus) =>
      bus.iteration$.subscribe(async ({ iteration }) => {
        await Promise.resolve();
        if (iteration === FAIL_AT) throw boom('async-rejecter');
      }),
    ),
    {
      name: 'attach-thrower',
      description: 'fails while attaching (tests)',
      attach: () => {
        throw boom('attach-thrower');
      },
    },
  ],
});
const registry = new PluginRegistry([builtinPlugin, faults, subscribers]);

/** The small run of `faultRun` (15 iterations) with `patch` applied, resolved. */
function run(patch: Record<string, unknown> = {}) {
  const { raw, runDir } = faultRun({ iterations: 15, ...patch });
  return { config: resolveConfig(raw, registry), runDir };
}

/** Trains and returns what it rejected with (fails the test when it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!outcome) throw new Error('the run did not fail');
  return outcome;
}

/**
 * The run failed once, recorded it as the last line of its log (message, where, iteration), and
 * its checkpoint is the last one written before the failure.
 */
function expectRecordedFailure(runDir: string, error: Error, where: string, iteration: number, checkpointAt: number): void {
  expect(failureContext(error)).toEqual({ where, iteration });
  const records = readMetricsLog(runDir)!.records;
  expect(records.filter((r) => r.type === 'error')).toEqual([{ type: 'error', message: error.message, where, iteration }]);
  expect(records.at(-1)?.type).toBe('error');
  expect(records.some((r) => r.type === 'finished')).toBe(false);
  expect(readCheckpoint(runDir).iterations).toBe(checkpointAt);
}

describe('one error path: an exception anywhere stops the run with an error record naming where and when', () => {
  const withLog = (...names: string[]) => ({ subscribers: ['jsonl', 'evaluator', 'checkpoint', ...names] });

  it('in the objective', async () => {
    const { config, runDir } = run({ objective: { name: 'faulty-tb', failAt: FAIL_AT } });
    const error = await failureOf(train(config, registry, withLog()));
    expect(error.message).toBe('faulty-tb: the scripted update fault');
    expectRecordedFailure(runDir, error, "objective 'faulty-tb' of plugin 'faults'", FAIL_AT, 5);
    // nothing of the failed iteration was published
    expect(
      readMetricsLog(runDir)!
        .records.filter((r) => r.type === 'iteration')
        .at(-1),
    ).toMatchObject({ iteration: FAIL_AT - 1 });
  });

  it('in the environment, whoever called it', async () => {
    const { config, runDir } = run({ env: { name: 'faulty-grid', ndim: 2, height: 8, failAtStep: 60 } });
    const error = await failureOf(train(config, registry, withLog()));
    expect(error.message).toBe("environment 'faulty-grid' of plugin 'faults': step threw: faulty-grid: step call 60 failed (a scripted fault)");
    const { iteration } = failureContext(error);
    expect(iteration).toBeGreaterThan(0);
    expectRecordedFailure(runDir, error, "environment 'faulty-grid' of plugin 'faults'", iteration!, Math.floor((iteration! - 1) / 5) * 5);
  });

  it('in the evaluator (a plugin environment it refuses): the checkpoint of that iteration is not written', async () => {
    const { config, runDir } = run({
      env: { name: 'faulty-grid', ndim: 2, height: 8, unorderedStates: true },
      evaluation: { every: 10, atStart: false, mode: 'exact' },
    });
    const error = await failureOf(train(config, registry, withLog()));
    expect(error.message).toMatch(/allStates\(\) is not in parents-first order/);
    expectRecordedFailure(runDir, error, "subscriber 'evaluator' of plugin 'builtin'", 10, 5);
  });

  for (const name of ['thrower', 'pipe-thrower', 'async-rejecter']) {
    it(`in a plugin's subscriber (${name})`, async () => {
      const { config, runDir } = run();
      const error = await failureOf(train(config, registry, withLog(name)));
      expect(error.message).toBe(`${name}: a scripted fault`);
      expectRecordedFailure(runDir, error, `subscriber '${name}' of plugin 'failing-subscribers'`, FAIL_AT, 5);
    });
  }

  it('in a subscription made on the raw bus, which cannot name itself: named by its stream', async () => {
    const { config, runDir } = run();
    const error = await failureOf(
      train(config, registry, {
        ...withLog(),
        beforeRun: (container) =>
          container.get(TOKENS.EventBus).iteration$.subscribe(({ iteration }) => {
            if (iteration === FAIL_AT) throw boom('raw');
          }),
      }),
    );
    expectRecordedFailure(runDir, error, 'a subscriber of iteration$', FAIL_AT, 5);
  });

  it('in a subscriber as it attaches: the run never starts, the error names it', async () => {
    const { config, runDir } = run();
    const error = await failureOf(train(config, registry, withLog('attach-thrower')));
    expect(failureContext(error)).toEqual({ where: "subscriber 'attach-thrower' of plugin 'failing-subscribers'" });
    expect(readMetricsLog(runDir)).toBeUndefined();
  });
});

describe('an interrupted run (train with an AbortSignal)', () => {
  it('stops after the current iteration, ends on runStopped$ with a stopped record and a checkpoint there', async () => {
    const { config, runDir } = run({ checkpoint: { every: 0 } });
    const controller = new AbortController();
    const ends: string[] = [];
    const { finished } = await train(config, registry, {
      subscribers: ['jsonl', 'evaluator', 'checkpoint'],
      signal: controller.signal,
      beforeRun: (_c, bus) => {
        bus.iteration$.subscribe(({ iteration }) => iteration === 6 && controller.abort('SIGTERM'));
        bus.runStopped$.subscribe((e) => ends.push(`stopped ${e.iterations} ${e.stopped}`));
        bus.runFinished$.subscribe(() => ends.push('finished'));
      },
    });
    expect(finished).toMatchObject({ iterations: 6, stopped: 'SIGTERM' });
    expect(ends).toEqual(['stopped 6 SIGTERM']);
    expect(readCheckpoint(runDir).iterations).toBe(6);
    expect(readMetricsLog(runDir)!.records.at(-1)).toMatchObject({ type: 'stopped', iterations: 6, reason: 'SIGTERM' });
  });

  it('interrupted before its first update: no checkpoint, nothing to resume', async () => {
    const { config, runDir } = run();
    const { finished } = await train(config, registry, { subscribers: ['jsonl', 'checkpoint'], signal: AbortSignal.abort('SIGINT') });
    expect(finished).toMatchObject({ iterations: 0, stopped: 'SIGINT' });
    expect(() => readCheckpoint(runDir)).toThrow();
    expect(readMetricsLog(runDir)!.records.map((r) => r.type)).toEqual(['start', 'stopped']);
  });
});
