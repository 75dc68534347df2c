import type { RewardBatchSource } from './reward-batch.js';
import { PermanentRewardError } from './reward-client.js';
import { decodeRewardResponse, encodeRewardRequest } from './reward-wire.js';

/**
 * A reward service over HTTP (the wire format of `reward-wire.ts`), with the platform's `fetch`
 * (Node and browsers alike). A refused request (HTTP 4xx other than 408 and 429) or a malformed
 * answer is a {@link PermanentRewardError}, which a `RewardClient` does not retry; a failed
 * connection, a 5xx, 408 or 429 is retried.
 */
export class HttpRewardSource implements RewardBatchSource {
  readonly name: string;

  constructor(
    readonly url: string,
    private readonly stateDim: number,
  ) {
    const problem = rewardUrlProblem(url);
    if (problem) throw new Error(problem);
    this.name = `reward service ${url}`;
  }

  async rewardBatch(states: Int32Array, count: number, signal?: AbortSignal): Promise<Float64Array> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(encodeRewardRequest(states, count, this.stateDim)),
      signal: signal ?? null,
    });
    const text = await response.text();
    if (!response.ok) {
      const message = `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 300)}`;
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw retryable ? new Error(message) : new PermanentRewardError(message);
    }
    try {
      return decodeRewardResponse(JSON.parse(text), count);
    } catch (error) {
      throw new PermanentRewardError(`malformed answer: ${(error as Error).message}`);
    }
  }
}

/** Why `url` cannot name a reward service (as a problem of the config's `reward.url`), or undefined when it can. */
export function rewardUrlProblem(url: string): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return `field "reward.url" = ${JSON.stringify(url)}: not a URL (expected http://host:port/path or https://…)`;
  }
  return protocol === 'http:' || protocol === 'https:' ? undefined : `field "reward.url" = ${JSON.stringify(url)}: protocol ${protocol} (valid: http:, https:)`;
}
