// Type-checked against the declarations shipped in the package (no sources), as a strict project
// gets them (tsconfig.json: nodenext, no skipLibCheck): the library entry, the plugin author's kit
// and the browser entry. Each @ts-expect-error proves that a type is real: were a declaration
// missing (any), the directive itself would be the error.
import { builtinPlugin, type CheckpointSampler, loadSampler, PluginRegistry, resolveConfig, train } from 'gflownet-ts';
import { createBrowserPlugin, preloadedFiles, setWasmPaths } from 'gflownet-ts/browser';
import { Defaulted, defineContribution, definePlugin, type Environment, type Plugin, TOKENS, type Variable } from 'gflownet-ts/plugin';
import { Type } from 'typebox';

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

// a contribution declared from a TypeBox schema: create receives the options it yields
export const schemaPlugin: Plugin = definePlugin({
  name: 'schema',
  envs: [
    defineContribution({
      name: 'schema-env',
      description: 'an environment with typed options',
      schema: Type.Object({ height: Defaulted(Type.Integer({ minimum: 2 }), 8) }),
      validate: (o) => (o.height % 2 === 0 ? [] : [{ field: 'height', value: o.height, reason: 'must be even' }]),
      create: (o, resolve): Environment => {
        // @ts-expect-error height is a number
        const wrong: string = o.height;
        void wrong;
        return resolve.get(TOKENS.Environment);
      },
    }),
  ],
});

// the tensors the package hands out are typed without TensorFlow.js's declarations: their shape,
// element type and names can be read, and freed
export function variableNames(plugin: Plugin): Plugin {
  return definePlugin({
    name: `${plugin.name}-names`,
    subscribers: [
      {
        name: 'names',
        description: 'logs the names and shapes of the policy’s variables',
        attach: (resolve) =>
          resolve.get(TOKENS.EventBus).runStarted$.subscribe(() => {
            const variables: readonly Variable[] = resolve.get(TOKENS.ForwardEstimator).variables;
            console.log(variables.map((v) => `${v.name}: [${v.shape.join(', ')}] ${v.dtype}`));
          }),
      },
    ],
  });
}

export const pagePlugin: Plugin = createBrowserPlugin(preloadedFiles({ 'envs/data/tfbind8.y.f32': new Uint8Array(4) }));
setWasmPaths({ 'tfjs-backend-wasm.wasm': '/wasm/tfjs-backend-wasm.wasm' });
// @ts-expect-error the wasm backend has no such binary
setWasmPaths({ 'backend.wasm': '/wasm/backend.wasm' });
