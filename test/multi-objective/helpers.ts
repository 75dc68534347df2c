/** Test helpers for preference-conditional runs: a `condition` section with a preference, and the conditioned multi-objective HyperGrid. */
import type { ConditionConfig } from '../../core/env/condition/condition-config.js';
import { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import { PreferenceSpace } from '../../core/env/condition/preference-space.js';
import { conditionConfig } from '../conditional/helpers.js';
import { MultiObjectiveHyperGrid } from '../../envs/multi-objective-hypergrid.js';

/** A `condition` section with a preference ω ~ Dirichlet(1) (exponent 1, no β) unless `patch` says otherwise. */
export function preferenceConfig(patch: Partial<ConditionConfig> = {}): ConditionConfig {
  return conditionConfig({ beta: undefined, preference: { distribution: 'dirichlet', alpha: 1, exponent: 1 }, ...patch });
}

/** The H x H Branin–Currin HyperGrid conditioned on a preference by `patch`. */
export function preferenceConditional(height: number, patch: Partial<ConditionConfig> = {}): ConditionalEnvironment {
  const base = new MultiObjectiveHyperGrid(height, ['branin', 'currin']);
  return new ConditionalEnvironment(base, new PreferenceSpace(preferenceConfig(patch), base.objectiveNames));
}
