/**
 * The wire format of a reward service: one HTTP `POST` per batch, JSON both ways.
 *
 * Request: `{ "stateDim": d, "states": [[…d integers…], …] }`, one row per terminal state.
 * Answer: `{ "logRewards": [x, …] }`, one natural-log reward per row in the same order, `null`
 * standing for −Infinity (R = 0), which JSON cannot write. Anything else is refused by name.
 */

/** A batch request as sent over the wire. */
export interface RewardRequestBody {
  stateDim: number;
  states: number[][];
}

/** A batch answer as sent over the wire (`null` = −Infinity). */
export interface RewardResponseBody {
  logRewards: Array<number | null>;
}

/** The request body for `count` states of a flat `count x stateDim` batch. */
export function encodeRewardRequest(states: Int32Array, count: number, stateDim: number): RewardRequestBody {
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) rows.push(Array.from(states.subarray(i * stateDim, (i + 1) * stateDim)));
  return { stateDim, states: rows };
}

/** The flat states of a request body, checked against the service's `stateDim`. */
export function decodeRewardRequest(body: unknown, stateDim: number): { states: Int32Array; count: number } {
  const request = body as Partial<RewardRequestBody> | null;
  if (typeof request !== 'object' || request === null || !Array.isArray(request.states)) {
    throw new Error('the request is not {"stateDim": d, "states": [[...], ...]}');
  }
  if (request.stateDim !== stateDim) throw new Error(`field "stateDim" = ${JSON.stringify(request.stateDim)}: this service's states have stateDim ${stateDim}`);
  const count = request.states.length;
  const states = new Int32Array(count * stateDim);
  request.states.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== stateDim || !row.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
      throw new Error(`field "states[${i}]" = ${JSON.stringify(row)}: must be ${stateDim} 32-bit integers`);
    }
    states.set(row as number[], i * stateDim);
  });
  return { states, count };
}

/** The answer body for `logRewards` (−Infinity written as `null`). */
export function encodeRewardResponse(logRewards: Float64Array): RewardResponseBody {
  return { logRewards: Array.from(logRewards, (v) => (v === Number.NEGATIVE_INFINITY ? null : v)) };
}

/** The log-rewards of an answer body, which must hold exactly `count` of them. */
export function decodeRewardResponse(body: unknown, count: number): Float64Array {
  const values = (body as Partial<RewardResponseBody> | null)?.logRewards;
  if (!Array.isArray(values)) throw new Error('the answer is not {"logRewards": [...]}');
  if (values.length !== count) throw new Error(`the answer holds ${values.length} log-rewards for ${count} states`);
  const out = new Float64Array(count);
  values.forEach((v: unknown, i) => {
    if (v === null) out[i] = Number.NEGATIVE_INFINITY;
    else if (typeof v === 'number') out[i] = v;
    else throw new Error(`field "logRewards[${i}]" = ${JSON.stringify(v)}: must be a number, or null for -Infinity`);
  });
  return out;
}
