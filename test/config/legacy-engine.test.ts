import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const registry = new PluginRegistry([builtinPlugin]);
const base = { env: { name: 'hypergrid' }, objective: { name: 'tb' } };

/** Resolves `raw` and returns its engine section, its evaluation section and what was printed. */
function resolved(raw: Record<string, unknown>): { engine: unknown; evaluation: Record<string, unknown>; warnings: string[] } {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const config = resolveConfig({ ...base, ...raw }, registry);
  const warnings = warn.mock.calls.map((c) => String(c[0]));
  warn.mockRestore();
  return { engine: config.engine, evaluation: config.evaluation as unknown as Record<string, unknown>, warnings };
}

afterEach(() => vi.restoreAllMocks());

describe('the old engine fields (kernels, kernelThreads, evaluation.inference, evaluation.inferenceThreads)', () => {
  it('are read as the engine section, with a deprecation warning printed once', () => {
    const first = resolved({ kernels: 'backend', kernelThreads: 2, evaluation: { inferenceThreads: 2 } });
    expect(first.engine).toEqual({ name: 'backend', threads: 2 });
    expect(first.evaluation).not.toHaveProperty('inferenceThreads');
    expect(first.warnings).toEqual([
      '[gfn] config fields "kernels", "kernelThreads", "evaluation.inferenceThreads" are deprecated; read as "engine": {"name":"backend","threads":2} — see docs/config.md',
    ]);
    // the same config again (a bench grid, a resumed run): the warning is not repeated
    expect(resolved({ kernels: 'backend', kernelThreads: 2, evaluation: { inferenceThreads: 2 } }).warnings).toEqual([]);
  });

  it('read a saved config with their defaults (every checkpoint before the engine section) as the defaults of the new one', () => {
    const saved = resolved({ kernels: 'auto', kernelThreads: 1, evaluation: { every: 5, inference: 'auto', inferenceThreads: 0 } });
    expect(saved.engine).toEqual({ name: 'auto', threads: 'auto' });
    expect(saved.evaluation.every).toBe(5);
    expect(saved.evaluation).not.toHaveProperty('inference');
    expect(saved.warnings).toHaveLength(1);
  });

  it('say what the one engine section changes where the two old choices differed', () => {
    const names = resolved({ kernels: 'backend', evaluation: { inference: 'onnxruntime' } });
    expect(names.engine).toEqual({ name: 'backend', threads: 'auto' });
    expect(names.warnings[0]).toContain('evaluation.inference = "onnxruntime" is dropped: one engine runs training and exact evaluation');
    const threads = resolved({ evaluation: { inference: 'onnxruntime', inferenceThreads: 3 } });
    expect(threads.engine).toEqual({ name: 'onnxruntime', threads: 1 });
    expect(threads.warnings[0]).toContain('exact evaluation now uses kernelThreads = 1 as well (it had 3)');
  });

  it('are refused beside an engine section, which would leave the choice ambiguous', () => {
    expect(() => resolveConfig({ ...base, kernels: 'backend', engine: { name: 'auto' } }, registry)).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, kernels: 'backend', engine: { name: 'auto' } }, registry)).toThrow(
      /field "kernels" = "backend": replaced by the "engine" section, which this config also has; give "engine" only/,
    );
  });
});
