/**
 * Typed access to the Sub-EB reference vectors in `test/fixtures/subeb-vectors.json` (conventions in
 * `test/fixtures/README.md`, section "subeb-vectors.json") and builders for what they describe.
 * Helpers only: the tests live in `subeb-reference.test.ts`.
 *
 * Fixture conventions: per-step matrices are `[t][b]` (time, trajectory), padding 0; states are
 * `(T+1) x N x 2`, padded with s_f = (−1, −1); actions −1 at padding; network weights `[out][in]`;
 * flat gradients list each layer's weight `[out][in]` row-major, then its bias (then log Z for P_F).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { buildTrajectories, type LinearLayerFixture, mlpFromLayers } from './load-reference.js';

export const SUBEB_FIXTURE_PATH = fileURLToPath(new URL('../fixtures/subeb-vectors.json', import.meta.url));

/** The networks of the fixture: P_F logits (3), P_B logits (2), v (1). */
export const SUBEB_NETWORKS = ['PF', 'PB', 'V'] as const;
export type SubEbNetwork = (typeof SUBEB_NETWORKS)[number];

/** One network as PyTorch tensors by name: `torso.0`, `torso.2`, `last_layer` (weight `[out][in]`, bias). */
type TorchLinearWeights = Record<string, number[][] | number[]>;

/** Tables over all 16 states of the H = 4 grid, state index x0·4 + x1. */
export interface SubEbGridTables {
  states: number[][];
  /** `[16][3]`; illegal actions hold about −1e5 (the fixture's masking), not −∞. */
  log_pf_all_actions: number[][];
  /** `[16][2]`, null at s0; illegal backward actions about −1e5. */
  log_pb_all_bactions: Array<[number | null, number | null]>;
  logV: number[];
}

export interface SubEbResidualFixture {
  traj: number;
  start: number;
  n_actions: number;
  ends_in_sink: boolean;
  residual: number;
  weight: number;
}

export interface SubEbCase {
  name: string;
  pb_parameterized: boolean;
  trajectories: { action_lists: number[][]; states: number[][][]; actions: number[][]; when_is_done: number[] };
  log_reward_raw: number[];
  log_reward_clipped: number[];
  logZ: number;
  log_pf: number[][];
  log_pb: number[][];
  logV: number[][];
  scores: number[][];
  traj_score_sum: number[];
  advantages: number[][];
  subeb_residuals: SubEbResidualFixture[];
  subeb_loss: number;
  grad_V_flat: number[];
  Z_diff: number;
  A_plus_Z: number;
  /** P_F parameters in the fixture's flat layout, then log Z. */
  grad_PF_and_logZ_flat: number[];
  grad_logZ: number;
  backward_policy: { V2_loss: number; grad_PB_flat: number[] } | null;
  grid_before: SubEbGridTables;
  after_one_update_model: SubEbGridTables & { logZ: number; returned_loss: number };
}

export interface SubEbReference {
  config: {
    ndim: number;
    height: number;
    R0: number;
    R1: number;
    R2: number;
    lamb_gae: number;
    lamda_subeb: number;
    log_reward_clip_min: number;
    logZ_init: number;
    adam: { lr_PF: number; lr_logZ: number; lr_V: number; lr_PB: number; betas: number[]; eps: number };
  };
  weights: Record<SubEbNetwork, TorchLinearWeights>;
  cases: SubEbCase[];
}

let cached: SubEbReference | undefined;

/** Parses the fixture (once per process). */
export function loadSubEbReference(): SubEbReference {
  cached ??= JSON.parse(readFileSync(SUBEB_FIXTURE_PATH, 'utf8')) as SubEbReference;
  return cached;
}

/** The HyperGrid of the fixture (2-D, H = 4). */
export function buildSubEbEnv(ref: SubEbReference = loadSubEbReference()): HyperGrid {
  const c = ref.config;
  return new HyperGrid({ ndim: c.ndim, height: c.height, R0: c.R0, R1: c.R1, R2: c.R2, rewardCos: false });
}

/** The fixture's network `name` as an {@link Mlp} (Linear-ReLU-Linear-ReLU-Linear). */
export function buildSubEbMlp(name: SubEbNetwork, ref: SubEbReference = loadSubEbReference()): Mlp {
  const w = ref.weights[name];
  const layers: LinearLayerFixture[] = ['torso.0', 'torso.2', 'last_layer'].map((prefix) => {
    const weight = w[`${prefix}.weight`] as number[][] | undefined;
    const bias = w[`${prefix}.bias`] as number[] | undefined;
    if (!weight || !bias) throw new Error(`subeb fixture: network ${name} has no ${prefix}.weight / ${prefix}.bias`);
    return { weight, bias };
  });
  return mlpFromLayers(layers, `subeb-${name}`);
}

/** The forward batch of a case (log R unclipped, as the environment gives it). */
export function buildSubEbBatch(c: SubEbCase): Trajectories {
  const t = c.trajectories;
  return buildTrajectories('forward', t.states, t.actions, t.when_is_done, c.log_reward_raw);
}
