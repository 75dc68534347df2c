import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { preflight } from '../../core/config/preflight.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { mutate, mutation } from './mutations.js';
import { FUZZ_SEED, SEED_CONFIGS } from './seeds.js';

const registry = new PluginRegistry([builtinPlugin]);

/** Cases through the command itself: each is a process start (seconds), so a few, run together. */
const CLI_CASES = 4;

/** The preflight's problems for `config`, or undefined when it accepts it or it is no object. */
function refusal(config: unknown): readonly string[] | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  try {
    preflight(config, registry);
    return undefined;
  } catch (err) {
    return err instanceof ConfigError ? err.problems : undefined;
  }
}

/**
 * The first mutated configs, from the suite's fixed seed, that the preflight refuses and whose
 * `logging` and `plugins` are the seed config's (a mutated folder or plugin path would send the
 * command elsewhere than the test's folder).
 */
function cliCases(): { file: string; config: Record<string, unknown>; problems: readonly string[] }[] {
  const samples = fc.sample(fc.record({ seed: fc.nat(SEED_CONFIGS.length - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }) }), {
    seed: FUZZ_SEED,
    numRuns: 200,
  });
  const cases = [];
  for (const { seed, mutations } of samples) {
    const { file, raw } = SEED_CONFIGS[seed]!;
    const config = mutate(raw, mutations) as Record<string, unknown>;
    const same = (key: string) => typeof config === 'object' && config !== null && JSON.stringify(config[key]) === JSON.stringify(raw[key]);
    const problems = same('logging') && same('plugins') ? refusal(config) : undefined;
    if (problems) cases.push({ file, config, problems });
    if (cases.length === CLI_CASES) break;
  }
  return cases;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('fuzzed configs through `gfn train`', () => {
  it(`${CLI_CASES} refused mutations: exit 1, one gfn: line and the preflight's problems, no stack, nothing written`, async () => {
    const cases = cliCases();
    expect(cases).toHaveLength(CLI_CASES);
    const runs = cases.map(async ({ file, config, problems }) => {
      const dir = mkdtempSync(join(tmpdir(), 'gfn-fuzz-cli-'));
      writeFileSync(join(dir, 'mutated.json'), JSON.stringify(config));
      const result = await promisify(execFile)('node', [resolve('bin/gfn.js'), 'train', 'mutated.json'], { cwd: dir }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      return { file, config, problems, dir, ...result };
    });
    for (const { file, config, problems, dir, code, stdout, stderr } of await Promise.all(runs)) {
      const context = `${file} mutated to ${JSON.stringify(config)}:\n${stderr}`;
      expect(code, context).toBe(1);
      expect(stdout, context).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(
        lines.filter((l) => l.startsWith('gfn:')),
        context,
      ).toEqual(['gfn: Invalid config:']);
      // the problems the preflight found in-process, one indented line each, and nothing else (no stack)
      expect(lines.slice(1), context).toEqual(problems.map((p) => `  ${p}`));
      expect(filesUnder(dir), context).toEqual(['mutated.json']);
    }
  });
});
