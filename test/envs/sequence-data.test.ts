import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasModes } from '../../core/env/environment.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { bitSeqCodebook, createBitSeq } from '../../envs/sequence/bitseq.js';
import { loadFloat32File } from '../../envs/sequence/data-file.js';
import { createQm9Str, QM9STR_SCORES } from '../../envs/sequence/qm9str.js';
import { createTfBind8, TFBIND8_MODES, TFBIND8_SCORES } from '../../envs/sequence/tfbind8.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { nodeFileAccess as files } from '../../plugins/node/file-access.js';

const tmp = mkdtempSync(join(tmpdir(), 'gfn-seq-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a damaged copy of a shipped data file into the temp dir and returns its path. */
function damagedCopy(file: string, damage: (bytes: Buffer) => Buffer): string {
  const path = join(tmp, `${Math.random().toString(36).slice(2)}-${file}`);
  writeFileSync(path, damage(readFileSync(files.shippedDataLocation(file))));
  return path;
}

const truncate = (b: Buffer): Buffer => b.subarray(0, b.length - 4);
/** Flips every bit of one byte in the middle of the file (size unchanged). */
const flipByte = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  const k = Math.floor(c.length / 2);
  c[k] = c[k]! ^ 0xff;
  return c;
};

describe('TFbind8', () => {
  const env = createTfBind8({ files });

  it('has true log Z 11.4621 from the shipped data', () => {
    expect(env.ndim).toBe(8);
    expect(env.nbase).toBe(4);
    expect(Math.abs(env.logPartition() - 11.4621)).toBeLessThan(1e-3);
    // the best sequence has reward 10 by construction
    expect(Math.max(...env.sequenceLogRewards())).toBeCloseTo(Math.log(10), 12);
  });

  it('has the 328 shipped modes, all full sequences of high reward', () => {
    expect(hasModes(env)).toBe(true);
    const modes = env.modes();
    expect(modes.length).toBe(328);
    expect(new Set(modes).size).toBe(328);
    for (const m of modes) expect(env.isTerminalIndex(m)).toBe(true);
    // every mode has score >= 0.889: log R >= 3·log 0.889 + log 10 − 3·log(max score) > log 10 + 3·log 0.889
    const lr = env.logReward(env.modeStates());
    for (const v of lr) expect(v).toBeGreaterThan(Math.log(10) + 3 * Math.log(0.889));
  });

  it('true distribution over allStates sums to 1', () => {
    const p = env.trueDistribution();
    expect(p.length).toBe(5 ** 8);
    let sum = 0;
    for (const v of p) sum += v;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
  });

  it('a truncated scores file fails naming the file, the sizes and the fix', () => {
    const path = damagedCopy('tfbind8.y.f32', truncate);
    expect(() => createTfBind8({ files, scoresPath: path })).toThrow(
      /data file tfbind8\.y\.f32 at .*: expected 262144 bytes, found 262140 bytes .*git checkout -- envs\/data\/tfbind8\.y\.f32/,
    );
  });

  it('a corrupted scores file (one byte flipped) fails naming both hashes and the fix', () => {
    const path = damagedCopy('tfbind8.y.f32', flipByte);
    expect(() => loadFloat32File(TFBIND8_SCORES, files, path)).toThrow(
      new RegExp(`data file tfbind8\\.y\\.f32 at .*: expected sha256 ${TFBIND8_SCORES.sha256}, found [0-9a-f]{64} .*git checkout`),
    );
  });

  it('a corrupted modes file and a missing file fail clearly', () => {
    const path = damagedCopy('tfbind8.modes.json', flipByte);
    expect(() => createTfBind8({ files, modesPath: path })).toThrow(new RegExp(`tfbind8\\.modes\\.json at .*: expected sha256 ${TFBIND8_MODES.sha256}`));
    expect(() => createTfBind8({ files, scoresPath: join(tmp, 'missing.f32') })).toThrow(
      /data file tfbind8\.y\.f32 could not be read at .*missing\.f32.*git checkout/,
    );
  });
});

describe('qm9str', () => {
  const env = createQm9Str({ files });

  it('has true log Z 9.6241 from the shipped data', () => {
    expect(env.ndim).toBe(5);
    expect(env.nbase).toBe(11);
    expect(Math.abs(env.logPartition() - 9.6241)).toBeLessThan(1e-3);
  });

  it('has 805 modes: the top 0.5% of R, each at least as good as every other string', () => {
    const modes = env.modes();
    expect(modes.length).toBe(805);
    expect(new Set(modes).size).toBe(805);
    const lr = env.sequenceLogRewards();
    const modeSeq = new Set(Array.from(env.sequenceIndex(env.modeStates())));
    let worstMode = Infinity;
    let bestOther = -Infinity;
    for (let j = 0; j < lr.length; j++) {
      if (modeSeq.has(j)) worstMode = Math.min(worstMode, lr[j]!);
      else bestOther = Math.max(bestOther, lr[j]!);
    }
    expect(worstMode).toBeGreaterThanOrEqual(bestOther);
  });

  it('a truncated scores file fails clearly', () => {
    const path = damagedCopy('qm9str.y.f32', truncate);
    expect(() => createQm9Str({ files, scoresPath: path })).toThrow(/data file qm9str\.y\.f32 at .*: expected 644204 bytes, found 644200 bytes/);
    const flipped = damagedCopy('qm9str.y.f32', flipByte);
    expect(() => createQm9Str({ files, scoresPath: flipped })).toThrow(new RegExp(`expected sha256 ${QM9STR_SCORES.sha256}, found`));
  });
});

describe('bitseq', () => {
  it('builds the codebook of evenly spaced runs', () => {
    // n = 8: step = floor((256 − 64) / 5) = 38
    const book = bitSeqCodebook(8, 4, 16);
    expect(book.length).toBe(64);
    expect(Array.from(book.subarray(0, 3))).toEqual([38, 39, 40]);
    expect(Array.from(book.subarray(15, 17))).toEqual([53, 76]);
    expect(book[63]).toBe(167);
    // n = 5, 2 groups of 3: step = floor((32 − 6) / 3) = 8
    expect(Array.from(bitSeqCodebook(5, 2, 3))).toEqual([8, 9, 10, 16, 17, 18]);
    // step 0: the runs coincide and are listed once
    expect(Array.from(bitSeqCodebook(2, 2, 2))).toEqual([0, 1]);
    expect(() => bitSeqCodebook(3, 3, 3)).toThrow(/groups·modesPerGroup = 3·3 = 9 modes do not fit the 2\^3 = 8 sequences/);
    expect(() => createBitSeq({ ndim: 3, groups: 3, modesPerGroup: 3 })).toThrow(/do not fit/);
  });

  it('rewards by hand', () => {
    // n = 4, one group of 2: step = floor((16 − 2) / 2) = 7, modes 0111 and 1000
    const env = createBitSeq({ ndim: 4, alpha: 0.7, groups: 1, modesPerGroup: 2 });
    const rows = Int32Array.from(
      [
        [0, 1, 1, 1], // mode 7 → 0
        [1, 0, 0, 0], // mode 8 → 0
        [0, 0, 0, 0], // 1 bit from 1000
        [0, 1, 0, 0], // 2 bits from both 0111 and 1000
        [1, 1, 1, 1], // 1 bit from 0111
        [0, 0, 1, 1], // 1 bit from 0111
      ].flat(),
    );
    const lr = env.logReward(rows);
    expect(Array.from(lr)).toEqual([0, 0, -0.7, -1.4, -0.7, -0.7]);
    expect(Object.is(lr[0], 0)).toBe(true);
  });

  it('defaults: n = 8, α = 1; every mode has log R = 0 and nothing else does', () => {
    const env = createBitSeq();
    expect(env.ndim).toBe(8);
    expect(env.nbase).toBe(2);
    const modes = env.modeStates();
    expect(modes.length).toBe(64 * 8);
    // 38 = 00100110
    expect(Array.from(modes.subarray(0, 8))).toEqual([0, 0, 1, 0, 0, 1, 1, 0]);
    for (const v of env.logReward(modes)) expect(v).toBe(0);
    const lr = env.sequenceLogRewards();
    const modeSet = new Set(Array.from(env.sequenceIndex(modes)));
    for (let j = 0; j < lr.length; j++) {
      if (!modeSet.has(j)) expect(lr[j]).toBeLessThanOrEqual(-1);
    }
  });

  it('is registered with its defaults, next to tfbind8 and qm9str', () => {
    const registry = new PluginRegistry([builtinPlugin]);
    for (const name of ['tfbind8', 'qm9str', 'bitseq']) expect(registry.envs.has(name)).toBe(true);
    const bitseq = registry.envs.get('bitseq')!;
    const env = bitseq.create({ ndim: 6, alpha: 1, groups: 2, modesPerGroup: 4 }, { get: () => undefined as never });
    expect(env.name).toBe('bitseq');
    expect(env.nActions).toBe(13);
    expect(hasModes(env) && env.modeStates().length).toBe(8 * 6);
  });
});
