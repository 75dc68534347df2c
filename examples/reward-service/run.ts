/**
 * The reward-service example: starts the example service (20 ms per state, 5 ms per batch by
 * default) on a free port, reads the rewards of 256 HyperGrid states through a `reward` config's
 * client, checks them against the in-process reward, asks again (answered from the cache), prints
 * what the client did, and stops the service.
 *
 *   npx tsx examples/reward-service/run.ts [--latency-per-object 20] [--latency-per-batch 5]
 */
import { parseArgs } from 'node:util';
import { Rng } from '../../core/base/rng.js';
import { type RemoteRewardConfig, withRemoteReward } from '../../core/env/remote-reward.js';
import { isEnumerable } from '../../core/env/environment.js';
import { environmentFromSection } from './server.js';
import { startRewardService } from './start.js';

const ENV = { name: 'hypergrid', ndim: 2, height: 8 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'latency-per-object': { type: 'string', default: '20' }, 'latency-per-batch': { type: 'string', default: '5' } } });
  const service = await startRewardService({
    env: ENV,
    latencyPerObjectMs: Number(values['latency-per-object']),
    latencyPerBatchMs: Number(values['latency-per-batch']),
  });
  try {
    const env = environmentFromSection(ENV);
    if (!isEnumerable(env)) throw new Error('the example needs an enumerable environment');
    // a config's `reward` section, every field written out
    const config: RemoteRewardConfig = {
      url: service.url,
      maxInFlight: 4,
      maxBatchSize: 16,
      cacheSize: 100_000,
      timeoutMs: 30_000,
      retries: 3,
      backoffMs: 250,
    };
    const remote = withRemoteReward(env, config);
    // 256 states drawn with repeats from the 64 cells: the client asks the service for each distinct one once
    const all = env.allStates();
    const rng = new Rng(0);
    const n = 256;
    const states = new Int32Array(n * env.stateDim);
    for (let i = 0; i < n; i++) {
      const k = rng.int(env.nStates);
      states.set(all.subarray(k * env.stateDim, (k + 1) * env.stateDim), i * env.stateDim);
    }
    for (const round of ['first', 'second']) {
      const start = performance.now();
      const remoteValues = await remote.rewardBatch(states, n);
      const seconds = (performance.now() - start) / 1000;
      const local = env.logReward(states);
      const mismatches = remoteValues.filter((v, i) => !Object.is(v, local[i])).length;
      console.log(`${round} request: ${n} states in ${seconds.toFixed(2)} s, ${mismatches} differ from the in-process reward`);
      if (mismatches > 0) process.exitCode = 1;
    }
    const s = remote.rewardStats();
    console.log(`client: ${s.hits} cache hits, ${s.misses} misses, ${s.calls} calls with ${s.statesSent} states, peak ${s.peakInFlight} in flight`);
  } finally {
    await service.stop();
  }
}

await main();
