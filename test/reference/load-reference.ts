/**
 * Typed access to the HyperGrid reference vectors in `test/fixtures/hypergrid-vectors.json` and
 * builders for the objects they describe (environment, networks, trajectory batches).
 * Helpers only: the tests live in `hypergrid-reference.test.ts` and `rl-reference.test.ts`.
 *
 * Fixture conventions (see `test/fixtures/README.md`): matrices named `*_time_by_traj` are indexed
 * `[t][i]` (time step, trajectory); network weights are stored `[out][in]`; padding entries of
 * float matrices are 0, padding actions are −1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../core/base/rng.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

export const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/hypergrid-vectors.json', import.meta.url));

/** Names of the networks in the fixture, in their construction order. */
export const NETWORK_NAMES = ['logit_PF', 'logit_PB', 'logF', 'logV', 'logVB'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** One linear layer, `y = W x + b`, with `weight` as `[out][in]`. */
export interface LinearLayerFixture {
  weight: number[][];
  bias: number[];
}

export interface NetworkFixture {
  layers: LinearLayerFixture[];
  activation_after_layers: string[];
}

export interface TbVariantFixture {
  per_traj_scores: number[];
  loss: number;
  grad_logZ?: number;
  /** `[out][in]` = [16][8]. */
  grad_logit_PF_layer0_weight?: number[][];
}

/** One RL variant (`RL_U` uniform P_B, `RL_B` learned P_B); matrices are `[t][i]`, padding 0. */
export interface RlVariantFixture {
  log_pf: number[][];
  log_pb_before_exit_fill: number[][];
  scores: number[][];
  values: number[][];
  advantages: number[][];
  targets: number[][];
  A_loss: number;
  Z_diff: number;
  V_loss: number;
  grad_logZ_of_A_loss_plus_Z_diff: number;
  /** `[out][in]` = [16][8]. */
  grad_logit_PF_layer0_weight_of_A_loss: number[][];
  /** `[out][in]` = [16][8]. */
  grad_logV_layer0_weight_of_V_loss: number[][];
}

/** The parts of the fixture the tests use (the file holds more). */
export interface HypergridReference {
  meta: {
    env: {
      ndim: number;
      height: number;
      R0: number;
      R1: number;
      R2: number;
      reward_cos: boolean;
      n_actions: number;
      s0: number[];
      sf_padding_state: number[];
    };
    logZ_init: number;
    net_config: { n_hidden_layers: number; hidden_dim: number };
  };
  encoding: { input_dim: number; example_state: number[]; example_encoding: number[] };
  networks: Record<NetworkName, NetworkFixture>;
  rewards_all_states: { states: number[][]; reward: number[]; log_reward: number[] };
  forward_batch: {
    actions_matrix_time_by_traj: number[][];
    /** (T+1) x N x ndim, padded with s_f = (−1, −1). */
    states_tensor_time_by_traj: number[][][];
    when_is_done: number[];
    max_length: number;
    terminal_states: number[][];
    log_rewards: number[];
  };
  log_probs: { log_pf: number[][]; log_pb_uniform: number[][]; log_pb_learned: number[][] };
  TB: {
    log_reward_clip_min: number;
    TB_U: Required<TbVariantFixture>;
    TB_B: TbVariantFixture;
  };
  RL: {
    lamb: number;
    log_reward_clip_min: number;
    RL_U: RlVariantFixture;
    RL_B: RlVariantFixture;
  };
  RL_B_backward: {
    actions_matrix_time_by_traj: number[][];
    /** (T+1) x N x ndim, padded with s0. */
    states_tensor_time_by_traj: number[][][];
    when_is_done: number[];
    log_rewards: number[];
    /** log P_B(s_{t+1} | s_t), `[t][i]`. */
    log_pb: number[][];
    /** log P_F(s_t | s_{t+1}), `[t][i]`. */
    log_pf: number[][];
    scores: number[][];
    values: number[][];
    advantages: number[][];
    targets: number[][];
    A_loss: number;
    V_loss: number;
    /** `[out][in]` = [16][8]. */
    grad_logit_PB_layer0_weight_of_A_loss: number[][];
    guided_log_pg_backward_batch: number[][];
    guided_log_pg_forward_batch: number[][];
  };
  TRPO: {
    delta: number;
    cg_n_iter: number;
    cg_res_tol: number;
    cg_iterations_run: number;
    cg_trace: Array<{ iter: number; pAp: number; alpha: number; rTr_new: number }>;
    /** Names of the logit_PF tensors in flattening order (each row-major, weights `[out][in]`). */
    flat_param_order: string[];
    n_params: number;
    sur_grads: number[];
    Hvp_of_sur_grads: number[];
    search_dir: number[];
    max_length: number;
    max_step: number[];
  };
  exact: {
    P_T: number[];
    true_dist: number[];
    l1_dist: number;
    JSD: number;
    true_log_partition: number;
  };
}

let cached: HypergridReference | undefined;

/** Parses the fixture (once per process). */
export function loadHypergridReference(): HypergridReference {
  cached ??= JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as HypergridReference;
  return cached;
}

/** The HyperGrid the reference vectors were computed on. */
export function buildEnv(ref: HypergridReference = loadHypergridReference()): HyperGrid {
  const e = ref.meta.env;
  return new HyperGrid({ ndim: e.ndim, height: e.height, R0: e.R0, R1: e.R1, R2: e.R2, rewardCos: e.reward_cos });
}

/** A `[rows][cols]` matrix transposed and flattened row-major: `[out][in]` → flat `[in][out]`. */
export function transposeFlat(matrix: readonly (readonly number[])[]): Float32Array {
  const rows = matrix.length;
  const cols = matrix[0]!.length;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = matrix[r]!;
    if (row.length !== cols) throw new Error(`ragged matrix: row ${r} has ${row.length} entries, expected ${cols}`);
    for (let c = 0; c < cols; c++) out[c * rows + r] = row[c]!;
  }
  return out;
}

/**
 * An {@link Mlp} (relu) holding the fixture's weights of `name`. It is built with an arbitrary
 * seed and every layer is then overwritten (weights transposed to our `[in][out]`).
 */
export function buildMlp(name: NetworkName, ref: HypergridReference = loadHypergridReference()): Mlp {
  return mlpFromLayers(ref.networks[name].layers, name);
}

/** An {@link Mlp} (relu between layers) with the given `[out][in]` layers; `name` labels its variables. */
export function mlpFromLayers(layers: readonly LinearLayerFixture[], name: string): Mlp {
  const inputDim = layers[0]!.weight[0]!.length;
  const outputDim = layers[layers.length - 1]!.bias.length;
  const hidden = layers.slice(0, -1).map((l) => l.bias.length);
  const mlp = new Mlp({ inputDim, hidden, outputDim, activation: 'relu' }, new Rng(0), `reference/${name}`);
  if (mlp.layers.length !== layers.length) throw new Error(`${name}: ${mlp.layers.length} layers built, fixture has ${layers.length}`);
  layers.forEach((l, k) => {
    const dense = mlp.layers[k]!;
    if (l.weight.length !== dense.outDim || l.weight[0]!.length !== dense.inDim) {
      throw new Error(`${name} layer ${k}: fixture weight is ${l.weight.length}x${l.weight[0]!.length}, expected [out][in] = ${dense.outDim}x${dense.inDim}`);
    }
    dense.assign(transposeFlat(l.weight), l.bias);
  });
  return mlp;
}

/** All networks of the fixture (dispose them when done). */
export function buildNetworks(ref: HypergridReference = loadHypergridReference()): Record<NetworkName, Mlp> {
  const out = {} as Record<NetworkName, Mlp>;
  for (const name of NETWORK_NAMES) out[name] = buildMlp(name, ref);
  return out;
}

/** Flattens a (T+1) x N x d state tensor into our row-major Int32Array. */
export function flattenStates(states: readonly (readonly (readonly number[])[])[]): Int32Array {
  return Int32Array.from(states.flatMap((row) => row.flat()));
}

/** Flattens a `[t][i]` matrix row-major (time-major). */
export function flattenMatrix(m: readonly (readonly number[])[]): number[] {
  return m.flatMap((row) => [...row]);
}

/** A padded, time-major batch from `[t][i]` actions and `(T+1) x N x d` states. */
export function buildTrajectories(
  direction: 'forward' | 'backward',
  states: number[][][],
  actions: number[][],
  lengths: number[],
  logRewards: number[],
): Trajectories {
  const maxSteps = actions.length;
  const nTraj = lengths.length;
  const stateDim = states[0]![0]!.length;
  if (states.length !== maxSteps + 1) throw new Error(`${direction} batch: ${states.length} state rows for ${maxSteps} action rows`);
  return new Trajectories(
    direction,
    nTraj,
    maxSteps,
    stateDim,
    flattenStates(states),
    Int32Array.from(flattenMatrix(actions)),
    Int32Array.from(lengths),
    Float64Array.from(logRewards),
  );
}

/** The fixture's forward batch (5 trajectories from s0, padded with s_f = −1 and action −1). */
export function buildForwardBatch(ref: HypergridReference = loadHypergridReference()): Trajectories {
  const b = ref.forward_batch;
  return buildTrajectories('forward', b.states_tensor_time_by_traj, b.actions_matrix_time_by_traj, b.when_is_done, b.log_rewards);
}

/** The fixture's backward (RL-B) batch: 5 trajectories from terminal states to s0, padded with s0. */
export function buildBackwardBatch(ref: HypergridReference = loadHypergridReference()): Trajectories {
  const b = ref.RL_B_backward;
  return buildTrajectories('backward', b.states_tensor_time_by_traj, b.actions_matrix_time_by_traj, b.when_is_done, b.log_rewards);
}

/**
 * Index map between our flat parameter layout and the fixture's: `perm[k]` is the position in
 * `flattenValues(mlp.variables)` (per layer: weight `[in][out]` row-major, then bias) of entry k of
 * the fixture's flat vector (per layer: weight `[out][in]` row-major, then bias — `flat_param_order`).
 * So `reference[k] = ours[perm[k]]`.
 */
export function referenceParamPermutation(mlp: Mlp): Int32Array {
  const total = mlp.layers.reduce((n, l) => n + l.inDim * l.outDim + l.outDim, 0);
  const perm = new Int32Array(total);
  let off = 0;
  for (const l of mlp.layers) {
    const { inDim, outDim } = l;
    for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) perm[off + o * inDim + i] = off + i * outDim + o;
    off += inDim * outDim;
    for (let o = 0; o < outDim; o++) perm[off + o] = off + o;
    off += outDim;
  }
  return perm;
}

/** Our flat layout → the fixture's (`reference[k] = ours[perm[k]]`). */
export function toReferenceLayout(ours: ArrayLike<number>, perm: Int32Array): Float64Array {
  if (ours.length !== perm.length) throw new Error(`toReferenceLayout: ${ours.length} values for ${perm.length} parameters`);
  return Float64Array.from(perm, (j) => ours[j]!);
}

/** The fixture's flat layout → ours (inverse of {@link toReferenceLayout}). */
export function fromReferenceLayout(reference: ArrayLike<number>, perm: Int32Array): Float64Array {
  if (reference.length !== perm.length) throw new Error(`fromReferenceLayout: ${reference.length} values for ${perm.length} parameters`);
  const out = new Float64Array(perm.length);
  perm.forEach((j, k) => (out[j] = reference[k]!));
  return out;
}

/** The fixture's parameters of network `name`, flattened in the fixture's layout (`flat_param_order`). */
export function referenceFlatParams(name: NetworkName, ref: HypergridReference = loadHypergridReference()): number[] {
  return ref.networks[name].layers.flatMap((l) => [...l.weight.flat(), ...l.bias]);
}
