import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { DEFAULT_MEMORY_LIMIT_BYTES, formatBytes } from '../../core/config/memory-rule.js';
import { preflight } from '../../core/config/preflight.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const GiB = 2 ** 30;

/** The built-in plugins on a host that says it has `memory` bytes (`unknown`: a host that does not tell, like a browser). */
function registryWith(memory: number | 'unknown'): PluginRegistry {
  const registry = new PluginRegistry([builtinPlugin]);
  const { memoryBytes: _, ...host } = registry.tensorHost;
  registry.tensorHost = memory === 'unknown' ? host : { ...host, memoryBytes: () => memory };
  return registry;
}

/** The preflight's problems for a HyperGrid TB config with `patch` applied, on a host with `memory` bytes. */
function problems(patch: Record<string, unknown>, memory: number | 'unknown' = GiB): string[] {
  const raw = { env: { name: 'hypergrid', ndim: 2, height: 8 }, objective: { name: 'tb' }, ...patch };
  try {
    preflight(raw, registryWith(memory));
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [...err.problems];
  }
}

describe('the preflight checks the memory a config implies against the machine', () => {
  it('exact evaluation of an environment whose tables cannot fit (the issue: exactMaxStates 1e15 on a 12-D, H=16 grid)', () => {
    const [problem, ...rest] = problems({ env: { name: 'hypergrid', ndim: 12, height: 16 }, evaluation: { mode: 'exact', exactMaxStates: 1e15 } });
    expect(rest).toEqual([]);
    // 16^12 states x (4·12 + 9·13 + 24 = 189 bytes) = 47.3 PiB; 1 GiB holds 5,681,173 of them
    expect(problem).toBe(
      `field "evaluation.exactMaxStates" = 1000000000000000: exact evaluation of environment 'hypergrid' (its 281,474,976,710,656 states enumerated) would take about 47.3 PiB (189 bytes per state), above 1.0 GiB (this machine's memory); at most 5,681,173 fit: evaluate it by sampling: evaluation.mode "sampled", or "auto" with evaluation.exactMaxStates below 281,474,976,710,656`,
    );
  });

  it('under auto too: a raised exactMaxStates may not make exact evaluation exceed the memory', () => {
    const config = { env: { name: 'hypergrid', ndim: 6, height: 16 }, evaluation: { exactMaxStates: 1e8 } };
    // 16^6 = 16.8 M states x (4·6 + 9·7 + 24 = 111 bytes) = 1.7 GiB
    expect(problems(config, GiB)).toEqual([expect.stringMatching(/^field "evaluation.exactMaxStates" = 100000000: .* about 1.7 GiB \(111 bytes per state\)/)]);
    expect(problems(config, 4 * GiB)).toEqual([]);
    // the default limit keeps auto on sampled evaluation there
    expect(problems({ env: { name: 'hypergrid', ndim: 6, height: 16 } }, GiB)).toEqual([]);
  });

  it('a batch, a sampled evaluation and a replay buffer that cannot fit, each named with what fits', () => {
    const found = problems(
      {
        batchSize: 1e8,
        evaluation: { mode: 'sampled', samples: 1e8 },
        replay: { kind: 'terminal', capacity: 1e9, ratio: 0.5 },
        objective: { name: 'tb' },
      },
      GiB,
    );
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'field "batchSize" = 100000000',
      'field "evaluation.samples" = 100000000',
      'field "replay.capacity" = 1000000000',
    ]);
    expect(found[0]).toMatch(
      /a batch of 100,000,000 trajectories would take about [\d.]+ GiB \([\d,]+ bytes per trajectory\), above 1.0 GiB .*; at most [\d,]+ fit: lower batchSize$/,
    );
    // the terminal buffer allocates its capacity at once: 2 int32 + a float64 per item
    expect(found[2]).toMatch(/a full replay buffer of 1,000,000,000 items would take about 14.9 GiB \(16 bytes per terminal state\)/);
  });

  it('a trajectory buffer grows as it fills: its capacity counts only up to the trajectories the run samples', () => {
    const replay = { kind: 'uniform', capacity: 1e9, ratio: 0.5 };
    expect(problems({ replay, iterations: 100 }, GiB)).toEqual([]);
    expect(problems({ replay, iterations: 1e8, batchSize: 64 }, GiB)).toEqual([
      expect.stringMatching(/^field "replay.capacity" = 1000000000: a full replay buffer of 1,000,000,000 items/),
    ]);
  });

  it('a host that does not tell its memory gets the documented default limit, named as such', () => {
    expect(DEFAULT_MEMORY_LIMIT_BYTES).toBe(4 * GiB);
    expect(problems({ batchSize: 1e8 }, 'unknown')).toEqual([expect.stringMatching(/above 4.0 GiB \(the limit where the host does not tell its memory\)/)]);
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });

  it("an environment's own sizes are checked before it is built (bitseq's test set is quadratic in ndim)", () => {
    const env = { name: 'bitseq', codebook: 'words', wordBits: 8, nModes: 60, variant: 'append' };
    // the fuzzed config that exhausted a Node 24 process: building 60 modes of 120,000,000 bits
    // alone held gigabytes before any run started (Node 20 refused the typed array's length instead)
    const found = problems({ env: { ...env, ndim: 120_000_000 }, evaluation: { mode: 'sampled' } }, GiB);
    expect(found).toEqual([
      expect.stringMatching(
        /^field "env.ndim" = 120000000: the 60 modes of 120,000,000 bits would take about 13.4 GiB, above 1.0 GiB .*: lower ndim or nModes \(environment 'bitseq' of plugin 'builtin'\)$/,
      ),
      // 60 · n · (n + 4·n/8) bytes = 90·n²
      expect.stringMatching(/^field "env.ndim" = 120000000: the test set of the 60 modes .* would take about 1.1 EiB, above 1.0 GiB/),
    ]);
    // the suite's own setting (n = 120) holds 1.3 MB
    expect(problems({ env: { ...env, ndim: 120 }, evaluation: { mode: 'sampled' } }, GiB)).toEqual([]);
    // 60 · 12,000² · 1.5 bytes = 12.1 GiB: refused on 8 GiB, accepted on 16
    expect(problems({ env: { ...env, ndim: 12_000 }, evaluation: { mode: 'sampled' } }, 8 * GiB)).toEqual([
      expect.stringMatching(/^field "env.ndim" = 12000: the test set .* 12.1 GiB/),
    ]);
    // (its batches are another matter: 1,500 positions x 256 words one-hot per state)
    expect(problems({ env: { ...env, ndim: 12_000 }, evaluation: { mode: 'sampled' } }, 16 * GiB).filter((p) => p.startsWith('field "env.'))).toEqual([]);
  });
});
