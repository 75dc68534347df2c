import { describe, expect, it } from 'vitest';
import { hasRewardBatch, rewardBatchOf } from '../../core/env/reward-batch.js';
import { decodeRewardRequest, decodeRewardResponse, encodeRewardRequest, encodeRewardResponse } from '../../core/env/reward-wire.js';
import { HyperGrid } from '../../envs/hypergrid.js';

describe('rewardBatchOf', () => {
  it("answers an environment's own logReward when it has no rewardBatch", async () => {
    const env = new HyperGrid({ ndim: 2, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    expect(hasRewardBatch(env)).toBe(false);
    const states = env.allStates();
    expect(await rewardBatchOf(env)(states, env.nStates)).toEqual(env.logReward(states));
    await expect(rewardBatchOf(env)(states, 3)).rejects.toThrow('rewardBatch: 32 state entries are not count 3 x stateDim 2');
  });
});

describe('the reward wire format', () => {
  it('carries states and log-rewards both ways, -Infinity as null', () => {
    const states = new Int32Array([1, 2, -3, 2 ** 31 - 1]);
    const body = JSON.parse(JSON.stringify(encodeRewardRequest(states, 2, 2)));
    expect(body).toEqual({
      stateDim: 2,
      states: [
        [1, 2],
        [-3, 2 ** 31 - 1],
      ],
    });
    expect(decodeRewardRequest(body, 2)).toEqual({ states, count: 2 });
    const logRewards = new Float64Array([-1.5, Number.NEGATIVE_INFINITY, 0]);
    const answer = JSON.parse(JSON.stringify(encodeRewardResponse(logRewards)));
    expect(answer).toEqual({ logRewards: [-1.5, null, 0] });
    expect(decodeRewardResponse(answer, 3)).toEqual(logRewards);
  });

  it('refuses malformed bodies by field', () => {
    expect(() => decodeRewardRequest({ stateDim: 3, states: [] }, 2)).toThrow('field "stateDim" = 3: this service\'s states have stateDim 2');
    expect(() => decodeRewardRequest({ stateDim: 2, states: [[1, 0.5]] }, 2)).toThrow('field "states[0]" = [1,0.5]: must be 2 32-bit integers');
    expect(() => decodeRewardRequest('x', 2)).toThrow('the request is not');
    expect(() => decodeRewardResponse({ logRewards: [1] }, 2)).toThrow('the answer holds 1 log-rewards for 2 states');
    expect(() => decodeRewardResponse({ logRewards: ['1'] }, 1)).toThrow('field "logRewards[0]" = "1": must be a number, or null for -Infinity');
  });
});
