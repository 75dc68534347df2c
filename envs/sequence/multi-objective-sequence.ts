import type { FileAccess } from '../../core/base/file-access.js';
import { batchSize } from '../../core/env/environment.js';
import type { MultiObjective } from '../../core/env/multi-objective.js';
import { paretoFront } from '../../core/evaluation/pareto.js';
import { loadFloat32File } from './data-file.js';
import { bindingLogRewards, DNA_LETTERS, dnaObjectiveProblem, motifSymbols, ngramLogRewards } from './dna-objectives.js';
import { SequenceEnv, type SequenceReward } from './sequence-env.js';
import { TFBIND8_SCORES } from './tfbind8.js';

/** The environment's own reward: the geometric mean of the objectives; its modes: the exact Pareto front. */
class GeometricMeanReward implements SequenceReward {
  private readonly logRewards: Float64Array;
  private readonly front: Int32Array;

  constructor(tables: readonly Float64Array[]) {
    const k = tables.length;
    this.logRewards = tables[0]!.map((_, index) => tables.reduce((sum, table) => sum + table[index]!, 0) / k);
    const points = new Float64Array(this.logRewards.length * k);
    for (let index = 0; index < this.logRewards.length; index++) for (let j = 0; j < k; j++) points[index * k + j] = tables[j]![index]!;
    // log is increasing, so the front of the log-objectives is the front of the objectives
    this.front = paretoFront(points, k).sort();
  }

  logRewardOfIndex(index: number): number {
    return this.logRewards[index]!;
  }

  modeIndices(): Int32Array {
    return this.front.slice();
  }
}

/**
 * A sequence task (insert anywhere, `SequenceEnv`) with K rewards R_i, each given as a table of
 * log R_i over every full sequence by base-nbase index. Its own (unconditional) reward is the
 * geometric mean of the objectives, log R = (1/K)·Σ_i log R_i, the target of the uniform
 * preference; its modes are the sequences of the exact Pareto front (by enumeration). Enumerable,
 * so a preference-conditional run is measured exactly, against that front.
 */
export class MultiObjectiveSequenceEnv extends SequenceEnv implements MultiObjective {
  readonly objectiveNames: readonly string[];

  constructor(
    name: string,
    ndim: number,
    nbase: number,
    objectives: readonly string[],
    /** log R_i of every full sequence, by base-nbase index, one table per objective. */
    private readonly tables: readonly Float64Array[],
  ) {
    if (objectives.length === 0 || objectives.length !== tables.length)
      throw new Error(`${name}: ${objectives.length} objective names for ${tables.length} tables (at least one of each)`);
    for (const [j, table] of tables.entries())
      if (table.length !== nbase ** ndim) throw new Error(`${name}: objective ${objectives[j]} has ${table.length} values for ${nbase ** ndim} sequences`);
    super({ name, ndim, nbase }, new GeometricMeanReward(tables));
    this.objectiveNames = [...objectives];
  }

  logObjectives(states: Int32Array): Float64Array {
    const k = this.tables.length;
    const indices = this.sequenceIndex(states);
    const out = new Float64Array(batchSize(states, this.ndim) * k);
    for (let i = 0; i < indices.length; i++) for (let j = 0; j < k; j++) out[i * k + j] = this.tables[j]![indices[i]!]!;
    return out;
  }
}

/** Options of {@link createMultiObjectiveTfBind8}. */
export interface MultiObjectiveTfBind8Options {
  /** The objectives' names, each `binding` or `ngram:<motif>` (`dna-objectives.ts`). */
  objectives: readonly string[];
  /** Reads the shipped data (`nodeFileAccess` under Node). */
  files: FileAccess;
  /** Overrides the location of `tfbind8.y.f32`. */
  scoresPath?: string;
}

/**
 * Multi-objective TFbind8: TFbind8's DNA 8-mers and moves, with one reward per named objective,
 * `binding` (the measured binding score) or an n-gram count `ngram:<motif>` (`dna-objectives.ts`),
 * tabulated over the 65,536 sequences.
 */
export function createMultiObjectiveTfBind8(options: MultiObjectiveTfBind8Options): MultiObjectiveSequenceEnv {
  const [ndim, nbase] = [8, DNA_LETTERS.length];
  for (const name of options.objectives) {
    const problem = dnaObjectiveProblem(name, ndim);
    if (problem) throw new Error(`tfbind8: objective ${JSON.stringify(name)} ${problem}`);
  }
  let binding: Float64Array | undefined;
  const tables = options.objectives.map((name) => {
    if (name !== 'binding') return ngramLogRewards(motifSymbols(name), ndim, nbase);
    binding ??= bindingLogRewards(loadFloat32File(TFBIND8_SCORES, options.files, options.scoresPath));
    return binding;
  });
  return new MultiObjectiveSequenceEnv('tfbind8', ndim, nbase, options.objectives, tables);
}
