/**
 * The browser example: trains TB-U on a 2-D HyperGrid in the page with gflownet-ts's browser entry
 * and draws the exact terminating distribution of the learned policy next to the target, from the
 * evaluator's view of each evaluation (blocks of cells above 32 per side). Query
 * parameters: `height` (default 8), `iterations` (default 3000), `seed` (default 0).
 * Progress is also published as `window.gfnDemo` (read by the headless-browser test).
 */
import { builtinPlugin, PluginRegistry, resolveConfig, setWasmPaths, train } from 'gflownet-ts/browser';
import { drawHeatmap } from './heatmap.js';
import type { DemoStatus } from './status.js';

const status: DemoStatus = { iteration: 0, tv: undefined, evaluations: 0, backend: undefined, done: false, error: undefined };
(window as unknown as { gfnDemo: DemoStatus }).gfnDemo = status;

const params = new URLSearchParams(location.search);
const height = Number(params.get('height') ?? 8);
const iterations = Number(params.get('iterations') ?? 3000);
const seed = Number(params.get('seed') ?? 0);

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const statusLine = element<HTMLDivElement>('status');
const show = (): void => {
  const tv = status.tv === undefined ? '—' : status.tv.toFixed(4);
  statusLine.textContent =
    status.error ?? `backend ${status.backend ?? '…'} · iteration ${status.iteration}/${iterations} · TV ${tv}${status.done ? ' · done' : ''}`;
};

async function main(): Promise<void> {
  // the wasm backend fetches its .wasm files from here (the build copies them next to app.js)
  setWasmPaths(new URL('./build/', location.href).href);
  const registry = new PluginRegistry([builtinPlugin]);
  const config = resolveConfig(
    {
      name: 'browser-hypergrid-tb-u',
      seed,
      backend: 'wasm',
      iterations,
      batchSize: 16,
      env: { name: 'hypergrid', ndim: 2, height, R0: 0.1 },
      objective: { name: 'tb', backward: 'uniform', lr: 0.001, lrZ: 0.1 },
      estimator: { name: 'mlp', hidden: [64, 64] },
      evaluation: { every: 20 },
    },
    registry,
  );
  const { backend } = await train(config, registry, {
    beforeRun: (_container, bus) => {
      bus.runStarted$.subscribe((e) => {
        status.backend = e.backend;
        show();
      });
      bus.iteration$.subscribe((e) => {
        status.iteration = e.iteration;
        if (e.iteration % 10 === 0) show();
      });
      bus.evaluation$.subscribe((e) => {
        status.tv = e.metrics.tv;
        status.evaluations += 1;
        // the evaluator's view of this evaluation: learned P_T and R/Z over the grid, already computed
        if (e.view?.kind === 'heatmaps') {
          const [learned, target] = e.view.panels;
          drawHeatmap(element('learned'), learned!.values, e.view.rows, e.view.cols);
          drawHeatmap(element('target'), target!.values, e.view.rows, e.view.cols);
        }
        show();
      });
    },
  });
  status.backend = backend;
  status.done = true;
  show();
}

main().catch((err: unknown) => {
  status.error = `error: ${(err as Error).message}`;
  show();
});
