import { type Environment, isEnumerable } from '../env/environment.js';
import { evaluatedEnvironment, isConditional } from '../env/condition/conditional-environment.js';
import { exactEvaluationBytesPerState } from '../evaluation/exact.js';
import { chooseEvaluationMethod, evaluationModeProblems } from '../evaluation/schedule.js';
import { type GymEnvFactory, isGymEnvFactory } from '../gym/gym-env.js';
import type { Contribution, PluginRegistry } from '../plugin/plugin.js';
import { sampledTrajectoryBytes, storedTrajectoryBytes, terminalStateBytes } from '../sampling/trajectory-memory.js';
import type { ResolvedConfig } from './schema.js';
import { show } from './schema-problems.js';

/**
 * The memory limit where the host does not tell its memory (a browser, a host without
 * `TensorHost.memoryBytes`): 4 GiB, what a browser tab's typed arrays can hold at most.
 */
export const DEFAULT_MEMORY_LIMIT_BYTES = 4 * 2 ** 30;

/** What one config field makes the run hold at once. */
interface Demand {
  field: string;
  value: number;
  /** What it makes the run hold, e.g. `a batch of 16 trajectories`. */
  holds: string;
  /** Bytes per unit of `value` (state, trajectory, …), and the unit's name. */
  perUnit: number;
  unit: string;
  /** Units held: `value`, or fewer when the run can never fill them (a replay buffer that grows). */
  units: number;
  /** How to stay below the limit, after "at most N … fit". */
  remedy: string;
}

/**
 * The config fields that size what a run holds in memory, each checked against the machine's
 * memory (`TensorHost.memoryBytes`, else {@link DEFAULT_MEMORY_LIMIT_BYTES}) by an estimate of the
 * bytes it implies (a lower bound: the typed arrays, not the networks' activations): exact
 * evaluation's tables (`evaluation.exactMaxStates`, when the environment is evaluated exactly), a
 * batch (`batchSize`), a sampled evaluation's samples (`evaluation.samples`) and a full replay buffer
 * (`replay.capacity`). A value that cannot fit is refused before any work, naming the field, its
 * value, the estimate, the limit and the most that fits, rather than failing later with a typed
 * array's `RangeError` or by exhausting the machine.
 */
export function memoryProblems(
  config: ResolvedConfig,
  { registry, environment }: { registry: PluginRegistry; environment?: Environment | GymEnvFactory | undefined },
): string[] {
  if (!environment || isGymEnvFactory(environment)) return [];
  const { limit, limitText } = memoryLimit(registry);
  return demands(config, environment)
    .filter((d) => d.units * d.perUnit > limit)
    .map((d) => {
      const fit = Math.floor(limit / d.perUnit).toLocaleString('en-US');
      return `field "${d.field}" = ${d.value}: ${d.holds} would take about ${formatBytes(d.units * d.perUnit)} (${d.perUnit.toLocaleString('en-US')} bytes per ${d.unit}), above ${limitText}; at most ${fit} fit: ${d.remedy}`;
    });
}

/**
 * The problems of a contribution's own {@link Contribution.memory} demands under `options` (the
 * section `section`, e.g. `env`): each that cannot fit the machine's memory, named by its option.
 * A `memory` that throws is the plugin's bug, reported as a problem of the section.
 */
export function optionMemoryProblems(contribution: Contribution<unknown>, options: object, section: string, registry: PluginRegistry): string[] {
  if (!contribution.memory) return [];
  const { limit, limitText } = memoryLimit(registry);
  const value = (field: string): string => show((options as Record<string, unknown>)[field]);
  try {
    return contribution
      .memory(options)
      .filter((d) => !(d.bytes <= limit))
      .map((d) => `field "${section}.${d.field}" = ${value(d.field)}: ${d.holds} would take about ${formatBytes(d.bytes)}, above ${limitText}: ${d.remedy}`);
  } catch (err) {
    return [`field "${section}.name" = ${value('name')}: its memory() threw: ${String(err instanceof Error ? err.message : err).replace(/\s*\n\s*/g, ' ')}`];
  }
}

/** The memory a run may take: the host's (`TensorHost.memoryBytes`), else {@link DEFAULT_MEMORY_LIMIT_BYTES}. */
function memoryLimit(registry: PluginRegistry): { limit: number; limitText: string } {
  const host = registry.tensorHost.memoryBytes;
  const limit = host ? host() : DEFAULT_MEMORY_LIMIT_BYTES;
  return { limit, limitText: `${formatBytes(limit)} (${host ? "this machine's memory" : 'the limit where the host does not tell its memory'})` };
}

/** What each sizing field of `config` makes a run on `env` hold. */
function demands(config: ResolvedConfig, env: Environment): Demand[] {
  const { batchSize, evaluation, replay, iterations } = config;
  const trajectory = sampledTrajectoryBytes(env);
  const list: Demand[] = [
    {
      field: 'batchSize',
      value: batchSize,
      holds: `a batch of ${batchSize.toLocaleString('en-US')} trajectories`,
      perUnit: trajectory,
      unit: 'trajectory',
      units: batchSize,
      remedy: 'lower batchSize',
    },
  ];
  const method = evaluationModeProblems(env, evaluation).length > 0 ? undefined : chooseEvaluationMethod(env, evaluation);
  // a conditional run keeps one exact evaluator per condition of its grid
  const evaluated = evaluatedEnvironment(env);
  const conditions = isConditional(env) ? env.space.grid.length : 1;
  if (method === 'exact' && isEnumerable(evaluated)) {
    const states = evaluated.nStates.toLocaleString('en-US');
    list.push({
      field: 'evaluation.exactMaxStates',
      value: evaluation.exactMaxStates,
      holds: `exact evaluation of environment '${env.name}' (its ${states} states enumerated${conditions > 1 ? `, at ${conditions} conditions` : ''})`,
      perUnit: exactEvaluationBytesPerState(evaluated),
      unit: 'state',
      units: evaluated.nStates * conditions,
      remedy: `evaluate it by sampling: evaluation.mode "sampled", or "auto" with evaluation.exactMaxStates below ${states}`,
    });
  }
  if (method === 'sampled') {
    list.push({
      field: 'evaluation.samples',
      value: evaluation.samples,
      holds: `a sampled evaluation of ${evaluation.samples.toLocaleString('en-US')} trajectories`,
      perUnit: trajectory,
      unit: 'trajectory',
      units: evaluation.samples,
      remedy: 'lower evaluation.samples',
    });
  }
  if (replay.kind === 'terminal') {
    // the terminal buffer allocates its whole capacity at once
    list.push({ ...replayDemand(replay.capacity, replay.capacity), perUnit: terminalStateBytes(env), unit: 'terminal state' });
  } else if (replay.kind !== 'none') {
    // a trajectory buffer grows as it fills: never past the trajectories the run samples
    list.push({ ...replayDemand(replay.capacity, Math.min(replay.capacity, iterations * batchSize)), perUnit: storedTrajectoryBytes(env), unit: 'trajectory' });
  }
  return list;
}

function replayDemand(capacity: number, units: number): Omit<Demand, 'perUnit' | 'unit'> {
  return {
    field: 'replay.capacity',
    value: capacity,
    holds: `a full replay buffer of ${units.toLocaleString('en-US')} items`,
    units,
    remedy: 'lower replay.capacity',
  };
}

/** `bytes` in binary units, e.g. `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
