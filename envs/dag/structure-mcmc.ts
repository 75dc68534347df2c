import { Rng } from '../../core/base/rng.js';
import type { BgeScore } from './bge.js';
import { keepsAcyclic, transitiveClosure } from './closure.js';

/** Options of {@link structureMcmc}. */
export interface StructureMcmcOptions {
  /** Stop once the chain has asked the score for this many local scores (the budget shared with a GFlowNet run). */
  maxLocalScores: number;
  /** Proposals discarded before the first kept sample. */
  burnIn: number;
  /** Keep one state every `thin` proposals after the burn-in. */
  thin: number;
  seed: number;
  /** Starting graph, row-major d x d (default: empty). */
  init?: Int32Array;
}

/** What {@link structureMcmc} returns. */
export interface StructureMcmcResult {
  /** Kept states, `n x d²` row-major. */
  samples: Int32Array;
  /** Proposals made (burn-in included). */
  steps: number;
  /** Fraction of proposals accepted. */
  acceptanceRate: number;
  /** Local scores asked for (cache hits included): the chain's cost. */
  localScores: number;
}

/** A single-edge move: add i → j, delete i → j, or reverse i → j into j → i. */
type Move = { kind: 0 | 1 | 2; i: number; j: number };
const ADD = 0;
const DELETE = 1;
const REVERSE = 2;

/**
 * The moves from `adj` that keep it a DAG: additions of absent edges that close no cycle,
 * deletions of present edges, reversals i → j ⇒ j → i when no other path i ⇝ j exists.
 */
export function neighbourhood(adj: Int32Array, d: number, reach: Int32Array, scratch: Int32Array): Move[] {
  const moves: Move[] = [];
  transitiveClosure(adj, 0, d, reach);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (i === j) continue;
      if (!adj[i * d + j]) {
        if (keepsAcyclic(reach, i, j)) moves.push({ kind: ADD, i, j });
        continue;
      }
      moves.push({ kind: DELETE, i, j });
      // reversal is acyclic iff, without i → j, i no longer reaches j
      adj[i * d + j] = 0;
      transitiveClosure(adj, 0, d, scratch);
      adj[i * d + j] = 1;
      if (keepsAcyclic(scratch, j, i)) moves.push({ kind: REVERSE, i, j });
    }
  }
  return moves;
}

/**
 * Structure MCMC (MC³; Madigan & York 1995) over DAGs with the BGe score and a uniform structure
 * prior: propose a uniformly drawn move of the single-edge neighbourhood N(G) (add, delete,
 * reverse, acyclicity kept) and accept G' with probability
 *   min(1, exp(score(G') − score(G)) · |N(G)| / |N(G')|),
 * the Hastings correction for the neighbourhoods' sizes, so that the stationary distribution is the
 * posterior P(G | data) ∝ exp(score(G)). Score differences are local: node j's for an addition or
 * deletion, nodes i and j for a reversal. Runs until `maxLocalScores` local scores were asked for.
 */
export function structureMcmc(bge: BgeScore, options: StructureMcmcOptions): StructureMcmcResult {
  const d = bge.d;
  const { maxLocalScores, burnIn, thin, seed } = options;
  if (!(maxLocalScores > 0)) throw new Error(`structure MCMC: maxLocalScores must be > 0, got ${maxLocalScores}`);
  if (!Number.isInteger(thin) || thin < 1) throw new Error(`structure MCMC: thin must be an integer >= 1, got ${thin}`);
  if (!Number.isInteger(burnIn) || burnIn < 0) throw new Error(`structure MCMC: burnIn must be an integer >= 0, got ${burnIn}`);
  const rng = new Rng(seed);
  const adj = options.init ? Int32Array.from(options.init) : new Int32Array(d * d);
  if (adj.length !== d * d) throw new Error(`structure MCMC: init has ${adj.length} entries, expected d² = ${d * d}`);
  const reach = new Int32Array(d);
  const scratch = new Int32Array(d);
  const start = bge.localScoreCalls;
  const kept: number[] = [];
  let moves = neighbourhood(adj, d, reach, scratch);
  let steps = 0;
  let accepted = 0;
  while (bge.localScoreCalls - start < maxLocalScores) {
    const move = moves[rng.int(moves.length)]!;
    const { i, j } = move;
    let delta: number;
    if (move.kind === ADD) delta = bge.addEdgeDelta(adj, i, j);
    else if (move.kind === DELETE) delta = -bge.addEdgeDelta(removed(adj, d, i, j), i, j);
    else {
      const without = removed(adj, d, i, j);
      delta = -bge.addEdgeDelta(without, i, j) + bge.addEdgeDelta(without, j, i);
    }
    apply(adj, d, move);
    const proposedMoves = neighbourhood(adj, d, reach, scratch);
    const logAccept = delta + Math.log(moves.length) - Math.log(proposedMoves.length);
    if (logAccept >= 0 || rng.uniform() < Math.exp(logAccept)) {
      moves = proposedMoves;
      accepted++;
    } else {
      apply(adj, d, inverse(move));
    }
    steps++;
    if (steps > burnIn && (steps - burnIn) % thin === 0) for (let k = 0; k < d * d; k++) kept.push(adj[k]!);
  }
  return { samples: Int32Array.from(kept), steps, acceptanceRate: steps > 0 ? accepted / steps : 0, localScores: bge.localScoreCalls - start };
}

function removed(adj: Int32Array, d: number, i: number, j: number): Int32Array {
  const out = adj.slice();
  out[i * d + j] = 0;
  return out;
}

function apply(adj: Int32Array, d: number, m: Move): void {
  if (m.kind === ADD) adj[m.i * d + m.j] = 1;
  else if (m.kind === DELETE) adj[m.i * d + m.j] = 0;
  else {
    adj[m.i * d + m.j] = 0;
    adj[m.j * d + m.i] = 1;
  }
}

/** The move that takes `m`'s result back: add ↔ delete the same edge; a reversal of j → i. */
function inverse(m: Move): Move {
  if (m.kind === ADD) return { kind: DELETE, i: m.i, j: m.j };
  if (m.kind === DELETE) return { kind: ADD, i: m.i, j: m.j };
  return { kind: REVERSE, i: m.j, j: m.i };
}
