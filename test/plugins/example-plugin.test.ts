import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const gfn = (...args: string[]): { code: number; out: string } => {
  try {
    const out = execFileSync('node', ['bin/gfn.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
};

describe('the example external plugin (examples/plugins/chain)', () => {
  it('trains through `gfn train` from its config, loaded by path, and the exact evaluator measures it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-plugin-'));
    const { code, out } = gfn('train', 'examples/plugins/chain/config.json', '--set', `logging.dir=${dir}`, '--set', 'logging.progress=none');
    expect(code, out).toBe(0);
    const tv = Number(/tv ([0-9.e-]+)/.exec(out)?.[1]);
    expect(tv).toBeLessThan(0.05);
    const lines = readFileSync(join(dir, 'example-chain-vargrad', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines.at(-1)!).type).toBe('finished');
  });

  it('a plugin that fails to load is named with the reason', () => {
    const { code, out } = gfn('train', 'examples/plugins/chain/config.json', '--set', 'plugins=["./missing-plugin.ts"]');
    expect(code).toBe(1);
    expect(out).toMatch(/plugin '[^']*missing-plugin\.ts' failed to load: .*missing-plugin\.ts/);
  });

  it("a bad option of a plugin's contribution names the field, the value and the plugin", () => {
    const { code, out } = gfn('train', 'examples/plugins/chain/config.json', '--set', 'env.length=1');
    expect(code).toBe(1);
    expect(out).toContain(`field "env.length" = 1: must be >= 2 (environment 'chain' of plugin 'example-chain')`);
  });

  it('without the plugin listed, its names are unknown: plugins are only loaded when a config lists them', () => {
    const { code, out } = gfn('train', 'examples/plugins/chain/config.json', '--set', 'plugins=[]');
    expect(code).toBe(1);
    expect(out).toMatch(/field "env.name" = "chain": unknown environment; valid choices: .*hypergrid/);
  });
});
