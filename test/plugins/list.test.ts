import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listCommand } from '../../cli/list.js';

describe('gfn list', () => {
  it('without arguments lists the built-in contributions with options and defaults', async () => {
    const out = await listCommand();
    expect(out).toContain('environments (config "env.name"):');
    expect(out).toMatch(/\n {2}hypergrid — .*\n {6}ndim: integer, >= 1, default 2 — number of coordinates\n/);
    expect(out).toContain('wordBits: integer, >= 1, <= 16, default 1'); // bitseq: maximum shown
    expect(out).not.toContain('chain');
    // engines are contributions too: the Node plugin's ONNX Runtime
    expect(out).toMatch(/\nengines \(config "engine\.name"; also "auto" and "backend"\):\n {2}onnxruntime — ONNX Runtime's native CPU kernels/);
  });

  it('--plugin <path> lists that plugin’s contributions, options and defaults (not the built-in ones)', async () => {
    const out = await listCommand({ plugins: ['examples/plugins/chain/index.ts'] });
    expect(out).toBe(
      [
        "plugin 'example-chain' (examples/plugins/chain/index.ts):",
        '  environments (config "env.name"):',
        '    chain — walk right along a line and stop anywhere; R(k) = 0.1 + cos²(πk/period)',
        '        length: integer, >= 2, default 12 — number of positions',
        '        period: number, > 0, default 4 — period of the reward bumps',
        '  objectives (config "objective.name"):',
        '    vargrad — log-variance (VarGrad) loss: TB with the batch-optimal log Z, uniform P_B',
        '        lr: number, > 0, default 0.001 — learning rate of P_F',
        '        logRewardClip: number, default -12 — lower clip of log R',
        '',
      ].join('\n'),
    );
  });

  it('<config.json> lists the plugins the config names, resolved relative to the config', async () => {
    const out = await listCommand({ config: 'examples/plugins/chain/config.json' });
    expect(out).toMatch(/^plugin 'example-chain' \(\.\/index\.ts\):\n/);
    expect(out).toContain('length: integer, >= 2, default 12');
  });

  it('a config without plugins says so', async () => {
    expect(await listCommand({ config: 'configs/default.json' })).toBe('configs/default.json lists no plugins; built-in contributions: gfn list\n');
  });

  it('a plugin that fails to load is named, through the command line too', () => {
    let message = '';
    try {
      execFileSync('node', ['bin/gfn.js', 'list', '--plugin', './no-such-plugin.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      message = (err as { stderr: string }).stderr;
    }
    expect(message).toMatch(/^gfn: plugin '.*no-such-plugin\.ts' failed to load: /);
  });
});
