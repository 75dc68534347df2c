import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { definePlugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { selectBackend } from '../../core/tensor/backend.js';
import { createBrowserPlugin } from '../../plugins/browser.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { nodeTensorHost } from '../../plugins/node/tensor-host.js';

describe('the tensor host: a contribution of the Node plugin, not a side effect of importing it', () => {
  it("is the registry's when the Node plugin is registered, and nothing otherwise", () => {
    expect(new PluginRegistry([builtinPlugin]).tensorHost).toBe(nodeTensorHost);
    // the Node plugin's modules are imported by this file: a registry without it has no host
    expect(new PluginRegistry([createBrowserPlugin()]).tensorHost).toEqual({});
  });

  it('gives native TensorFlow a loader: without a host it is not available, and the backend stays', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /backend 'tensorflow' is not available \(tensorflow: native TensorFlow is only available under Node with @tensorflow\/tfjs-node\)/,
    );
    expect(tf.getBackend()).toBe('wasm');
    const absent = {
      nativeBackend: () => Promise.reject(Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node'"), { code: 'ERR_MODULE_NOT_FOUND' })),
    };
    await expect(selectBackend('tensorflow', absent)).rejects.toThrow(/tensorflow: @tensorflow\/tfjs-node is not installed/);
    // installed, but its native addon is missing (its install script could not download it): said so, not "not installed"
    const broken = { nativeBackend: () => Promise.reject(new Error('The Node.js native addon module (tfjs_binding.node) can not be found\nmore')) };
    await expect(selectBackend('tensorflow', broken)).rejects.toThrow(
      /tensorflow: cannot load its module \(The Node.js native addon module \(tfjs_binding.node\) can not be found\)\)$/,
    );
  });

  it('is contributed by one plugin at most', () => {
    expect(() => new PluginRegistry([builtinPlugin, definePlugin({ name: 'other-host', tensorHost: {} })])).toThrow(
      /plugin 'other-host': a tensor host is already contributed by plugin 'builtin'/,
    );
  });
});
