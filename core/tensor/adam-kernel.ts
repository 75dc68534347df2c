/**
 * The element-wise Adam update over float32 buffers kept in one WebAssembly memory, as a SIMD
 * loop (4 lanes) where the runtime supports WebAssembly SIMD and a scalar loop otherwise.
 *
 * Every operation is a correctly rounded IEEE float32 operation (wasm's f32x4 mul/add/div/sqrt;
 * the scalar loop rounds each double result with Math.fround, exact for these operations since a
 * double holds every float32 product and sum to within the double-rounding bound), in the order
 * of `tf.train.adam`'s kernels, so both paths give the same bits as the tfjs optimiser.
 */

/** Float32 constants of one update (see {@link AdamWorkspace.step}). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** 1 − β1^t and 1 − β2^t (bias corrections). */
  correction1: number;
  correction2: number;
  epsilon: number;
  negLearningRate: number;
}

const f32 = Math.fround;
const PAGE_FLOATS = 65536 / 4;

/** Bytes of a LEB128-encoded unsigned integer. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/**
 * The module: imports `env.memory` and exports
 * `adam(p, g, m, v, n, β1, β2, 1−β1, 1−β2, 1−β1^t, 1−β2^t, ε, −lr)` (byte addresses, n a multiple
 * of 4) that updates m, v and p in place:
 *   m ← m·β1 + g·(1−β1);  v ← v·β2 + (g·g)·(1−β2);
 *   p ← ((m/(1−β1^t)) / (√(v/(1−β2^t)) + ε))·(−lr) + p.
 */
function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  const I32 = 0x7f,
    F32 = 0x7d,
    V128 = 0x7b;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const simd = (op: number) => [0xfd, ...leb(op)];
  const load = [...simd(0x00), 0, 0];
  const store = [...simd(0x0b), 0, 0];
  const [splat, sqrt, add, mul, div] = [simd(0x13), simd(0xe3), simd(0xe4), simd(0xe6), simd(0xe7)];
  // params 0–3 pointers, 4 count, 5–12 constants; locals 13 end, 14–21 splatted constants, 22–24 g, m, v
  const P = 0,
    G = 1,
    M = 2,
    V = 3,
    N = 4,
    END = 13,
    K = 14,
    g = 22,
    m = 23,
    v = 24;
  const advance = (i: number) => [...get(i), 0x41, 16, 0x6a, ...set(i)];
  const code = [
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...get(5 + k), ...splat, ...set(K + k)]),
    ...get(P),
    ...get(N),
    0x41,
    2,
    0x74,
    0x6a,
    ...set(END),
    0x02,
    0x40,
    ...get(P),
    ...get(END),
    0x4f,
    0x0d,
    0,
    0x03,
    0x40,
    ...get(G),
    ...load,
    ...set(g),
    ...get(M),
    ...load,
    ...get(K),
    ...mul,
    ...get(g),
    ...get(K + 2),
    ...mul,
    ...add,
    ...set(m),
    ...get(V),
    ...load,
    ...get(K + 1),
    ...mul,
    ...get(g),
    ...get(g),
    ...mul,
    ...get(K + 3),
    ...mul,
    ...add,
    ...set(v),
    ...get(M),
    ...get(m),
    ...store,
    ...get(V),
    ...get(v),
    ...store,
    ...get(P),
    ...get(m),
    ...get(K + 4),
    ...div,
    ...get(v),
    ...get(K + 5),
    ...div,
    ...sqrt,
    ...get(K + 6),
    ...add,
    ...div,
    ...get(K + 7),
    ...mul,
    ...get(P),
    ...load,
    ...add,
    ...store,
    ...advance(P),
    ...advance(G),
    ...advance(M),
    ...advance(V),
    ...get(P),
    ...get(END),
    0x49,
    0x0d,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  const body = [2, 1, I32, 11, V128, ...code];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 13, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

type SimdAdam = (p: number, g: number, m: number, v: number, n: number, ...constants: number[]) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled SIMD module, or null where WebAssembly SIMD is unavailable. */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = adamModuleBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Float32 buffers in one growable memory (offsets in floats, each buffer padded to a multiple of
 * 4 values) and the Adam update over them.
 */
export class AdamWorkspace {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly simd: SimdAdam | undefined;
  private used = 0;

  /** @param useSimd false forces the scalar loop (tests compare both). */
  constructor(useSimd = true) {
    const module = useSimd ? simdModule() : null;
    this.simd = module ? (new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports.adam as SimdAdam) : undefined;
  }

  /** Whether the update runs as WebAssembly SIMD. */
  get vectorised(): boolean {
    return this.simd !== undefined;
  }

  /** A zeroed buffer of n floats; returns its offset. Views taken before are invalidated. */
  allocate(n: number): number {
    const offset = this.used;
    this.used += Math.ceil(n / 4) * 4;
    const needed = Math.ceil(this.used / PAGE_FLOATS) - this.memory.buffer.byteLength / 65536;
    if (needed > 0) this.memory.grow(needed);
    return offset;
  }

  /** A view of n floats at `offset` (valid until the next {@link allocate}). */
  view(offset: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset * 4, n);
  }

  /** The Adam update of n values at offsets p, g, m, v (m, v and p updated in place). */
  step(p: number, g: number, m: number, v: number, n: number, c: AdamConstants): void {
    const padded = Math.ceil(n / 4) * 4;
    const constants = [c.beta1, c.beta2, c.oneMinusBeta1, c.oneMinusBeta2, c.correction1, c.correction2, c.epsilon, c.negLearningRate];
    if (this.simd) {
      this.simd(p * 4, g * 4, m * 4, v * 4, padded, ...constants);
      return;
    }
    const all = new Float32Array(this.memory.buffer);
    const [b1, b2, c1, c2, o1, o2, eps, negLr] = constants.map(f32) as [number, number, number, number, number, number, number, number];
    for (let k = 0; k < padded; k++) {
      const gk = all[g + k]!;
      const mk = (all[m + k] = f32(f32(all[m + k]! * b1) + f32(gk * c1)));
      const vk = (all[v + k] = f32(f32(all[v + k]! * b2) + f32(f32(gk * gk) * c2)));
      all[p + k] = f32(f32(f32(f32(mk / o1) / f32(f32(Math.sqrt(f32(vk / o2))) + eps)) * negLr) + all[p + k]!);
    }
  }
}
