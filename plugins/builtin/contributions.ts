import type { FileAccess } from '../../core/base/file-access.js';
import type { Plugin } from '../../core/plugin/plugin.js';
import { dbContribution, subtbContribution } from './balance-objectives.js';
import { ppoContribution, reinforceContribution } from './baselines.js';
import {
  bitseqContribution,
  cartpoleContribution,
  dagContribution,
  hypergridContribution,
  qm9strContribution,
  sehstrContribution,
  tfbind8Contribution,
} from './envs.js';
import { mlpContribution, transformerContribution } from './estimators.js';
import { mdbContribution } from './mdb-objective.js';
import { fmContribution, tbContribution } from './objectives.js';
import { rlContribution } from './rl.js';

/**
 * The environments, objectives and estimators bundled with gflownet-ts, for any host: the data
 * files some environments need are read through `files`. The Node and browser entries add their
 * subscribers.
 */
export function builtinContributions(files: FileAccess): Required<Pick<Plugin, 'envs' | 'classicEnvs' | 'objectives' | 'estimators'>> {
  return {
    envs: [hypergridContribution, tfbind8Contribution(files), qm9strContribution(files), sehstrContribution(files), bitseqContribution, dagContribution(files)],
    classicEnvs: [cartpoleContribution],
    objectives: [tbContribution, dbContribution, subtbContribution, fmContribution, rlContribution, ppoContribution, reinforceContribution, mdbContribution],
    estimators: [mlpContribution, transformerContribution],
  };
}
