import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

// Tests run on the wasm backend (what CI has) unless GFN_TEST_BACKEND says otherwise. Selected at
// import time so that test modules may build networks at their top level.
await tf.setBackend(process.env.GFN_TEST_BACKEND ?? 'wasm');
await tf.ready();
