import type { ChainRunner, Engine } from '../tensor/dense-chain.js';

/** An engine whose runner outlives each pass, and the way to free it at last. */
export interface KeptRunner {
  engine: Engine;
  dispose(): void;
}

/**
 * `engine`, with one runner kept from pass to pass: the first `load` starts it, a later one swaps
 * the new snapshot in (`reload`) instead of starting the engine again (a worker thread and a
 * session: tens of milliseconds compiled, most of a second from the TypeScript sources); the
 * runner a pass gets is not freed by that pass, {@link KeptRunner.dispose} frees it. An engine
 * whose runners cannot reload gets a new runner per pass, as without this.
 */
export function keepRunner(engine: Engine): KeptRunner {
  let kept: ChainRunner | undefined;
  const shared = (runner: ChainRunner): ChainRunner => ({
    get inputDim() {
      return runner.inputDim;
    },
    get outputDim() {
      return runner.outputDim;
    },
    submit: (x, rows) => runner.submit(x, rows),
    collect: () => runner.collect(),
    dispose: () => undefined,
  });
  return {
    engine: {
      ...engine,
      load: (chain, options) => {
        if (kept?.reload) {
          kept.reload(chain);
          return shared(kept);
        }
        const runner = engine.load(chain, options);
        if (!runner.reload) return runner;
        kept = runner;
        return shared(runner);
      },
    },
    dispose: () => {
      kept?.dispose();
      kept = undefined;
    },
  };
}
