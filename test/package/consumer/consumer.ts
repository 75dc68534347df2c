// Type-checked against the declarations shipped in the package (no sources): the library entry,
// the plugin author's kit and the browser entry. Each @ts-expect-error proves that a type is real:
// were a declaration missing (any), the directive itself would be the error.
import { builtinPlugin, type CheckpointSampler, loadSampler, PluginRegistry, resolveConfig, train } from 'gflownet-ts';
import { createBrowserPlugin, preloadedFiles } from 'gflownet-ts/browser';
import { definePlugin, type Environment, type Plugin, TOKENS } from 'gflownet-ts/plugin';

export async function sampleFrom(dir: string): Promise<Int32Array> {
  const sampler: CheckpointSampler = await loadSampler(dir, { seed: 3 });
  // @ts-expect-error the sample count is a number
  sampler.sample('10');
  return sampler.sample(10).states;
}

export async function trainHypergrid(): Promise<number | undefined> {
  const registry = new PluginRegistry([builtinPlugin]);
  const config = resolveConfig({ env: { name: 'hypergrid' }, objective: { name: 'tb' } }, registry);
  const { finished } = await train(config, registry);
  // @ts-expect-error iterations is a number
  const wrong: string = finished.iterations;
  void wrong;
  return finished.lastEvaluation?.metrics.tv;
}

export const myPlugin: Plugin = definePlugin({
  name: 'mine',
  envs: [
    {
      name: 'mine',
      description: 'an environment of a plugin',
      schema: { properties: {} },
      create: (_options, resolve): Environment => resolve.get(TOKENS.Environment),
    },
  ],
});

// the tokens are typed: what a resolver returns needs no type argument, and is checked
export const listenerPlugin: Plugin = definePlugin({
  name: 'listener',
  subscribers: [
    {
      name: 'listener',
      description: 'a subscriber of a plugin',
      attach: (resolve) => {
        const bus = resolve.get(TOKENS.EventBus);
        // @ts-expect-error the event bus is not a number
        const wrong: number = resolve.get(TOKENS.EventBus);
        void wrong;
        return bus.iteration$.subscribe((e) => {
          if (e.iteration >= 10) resolve.get(TOKENS.Trainer).stop();
        });
      },
    },
  ],
});

export const pagePlugin: Plugin = createBrowserPlugin(preloadedFiles({ 'envs/data/tfbind8.y.f32': new Uint8Array(4) }));
