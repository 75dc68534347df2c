import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll } from 'vitest';

// Tests run on the wasm backend (what CI has) unless GFN_TEST_BACKEND says otherwise.
beforeAll(async () => {
  await tf.setBackend(process.env.GFN_TEST_BACKEND ?? 'wasm');
  await tf.ready();
});
