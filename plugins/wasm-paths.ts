import { setWasmPaths as setBackendWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The binaries of the wasm backend, which {@link setWasmPaths} locates. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where a page serves the wasm backend's binaries: the URL of the folder that holds them all, or
 * each binary's own URL. Call it before training with the wasm backend. The package declares
 * this signature itself (rather than re-export the backend's function) so that its declarations
 * reach none of the backend's, which name Emscripten's global types.
 */
export function setWasmPaths(prefixOrFileMap: string | Partial<Record<WasmBinaryName, string>>, usePlatformFetch = false): void {
  setBackendWasmPaths(prefixOrFileMap, usePlatformFetch);
}
