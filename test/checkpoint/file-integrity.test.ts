import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../core/run/run.js';
import { loadSampler } from '../../plugins/node/load-sampler.js';
import { readCheckpoint, writeCheckpoint } from '../../run-folder/checkpoint-file.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { metricRecords, tempRunsDir } from './helpers.js';

// One short run, checkpointed at 10 of 20 iterations; every case below damages a copy of its file.
const dir = tempRunsDir();
const ITERATIONS = 20;
let good: Buffer;
beforeAll(async () => {
  const config = smallConfig({ name: 'run', iterations: ITERATIONS, checkpoint: { every: 10 }, logging: { dir, progress: 'none' } });
  await train({ ...config, iterations: 10 }, registry, { subscribers: ['jsonl', 'checkpoint'] });
  good = readFileSync(join(dir, 'run', 'checkpoint.json'));
}, 60_000);

let copies = 0;
/** A run folder holding `bytes` as its checkpoint (and the run's config and log); returns the checkpoint's path. */
function withCheckpoint(bytes: Uint8Array | string): { runDir: string; file: string } {
  const runDir = join(dir, `copy-${copies++}`);
  cpSync(join(dir, 'run'), runDir, { recursive: true });
  const file = join(runDir, 'checkpoint.json');
  writeFileSync(file, bytes);
  return { runDir, file };
}

/** The message `readCheckpoint` refuses `bytes` with (fails the test when it accepts them). */
function refusal(bytes: Uint8Array | string): { message: string; file: string } {
  const file = join(dir, `damaged-${copies++}.json`);
  writeFileSync(file, bytes);
  try {
    readCheckpoint(file);
  } catch (err) {
    return { message: (err as Error).message, file };
  }
  throw new Error('the damaged checkpoint was accepted');
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('checkpoint files carry a format version and a checksum', () => {
  it('a checkpoint starts with its format and version 2 and ends with the sha256 of the document without it', () => {
    const text = good.toString('utf8');
    expect(text.startsWith('{"format":"gflownet-ts-checkpoint","version":2,')).toBe(true);
    const m = /,"sha256":"([0-9a-f]{64})"\}$/.exec(text)!;
    expect(m).not.toBeNull();
    expect(sha256(`${text.slice(0, m.index)}}`)).toBe(m[1]);
    // read back without its checksum; written again, the same bytes
    const doc = readCheckpoint(join(dir, 'run'));
    expect(doc).not.toHaveProperty('sha256');
    const again = join(dir, 'rewritten');
    mkdirSync(again);
    writeCheckpoint(again, doc);
    expect(readFileSync(join(again, 'checkpoint.json'))).toEqual(good);
  });

  it('a sealed checkpoint reformatted (indented) still loads: the checksum covers the document, not its layout', () => {
    const { file } = withCheckpoint(JSON.stringify(JSON.parse(good.toString('utf8')), null, 2));
    expect(readCheckpoint(file)).toEqual(readCheckpoint(join(dir, 'run')));
  });

  it('a truncated checkpoint is refused, naming the file', () => {
    for (const length of [60, good.length >> 1, good.length - 40, good.length - 1]) {
      const { message, file } = refusal(good.subarray(0, length));
      expect(message).toBe(
        `checkpoint ${file} is truncated or damaged: it is not complete JSON and ends after ${length} bytes without its checksum (a copy cut short?)`,
      );
    }
    const empty = refusal('');
    expect(empty.message).toBe(`checkpoint ${empty.file} is empty (0 bytes)`);
  });

  it('one changed byte anywhere is refused: the checksum no longer matches, or the file no longer parses', () => {
    // a change that keeps the JSON valid (a character of a base64 array): only the checksum catches it
    const text = good.toString('latin1');
    const inArray = text.indexOf('"base64":"') + 20;
    const flipped = Buffer.from(good);
    flipped[inArray] = flipped[inArray]! === 0x41 ? 0x42 : 0x41;
    expect(refusal(flipped).message).toMatch(
      /^checkpoint \S+ is corrupted: its content does not match its sha256 checksum \(recorded [0-9a-f]{12}…, computed [0-9a-f]{12}…\)$/,
    );
    // one bit flipped at 200 places spread over the file (head and checksum included): each is refused with one line naming the file
    const kinds = new Set<string>();
    for (const at of [...Array.from({ length: 200 }, (_, k) => Math.floor((k * good.length) / 200)), good.length - 1]) {
      const bytes = Buffer.from(good);
      bytes[at] = bytes[at]! ^ 0x01;
      const { message, file } = refusal(bytes);
      expect(message.startsWith(`checkpoint ${file} `), message).toBe(true);
      expect(message).not.toContain('\n');
      kinds.add(message.slice(file.length + 12).split(':')[0]!);
    }
    expect(
      [...kinds].every((k) =>
        /^(is corrupted|is damaged|is truncated or damaged|is not a gflownet-ts checkpoint|has no "sha256" checksum|was written by a newer gflownet-ts.*)$/.test(
          k,
        ),
      ),
      [...kinds].join(' | '),
    ).toBe(true);
    expect(kinds).toContain('is corrupted');
  });

  it('a checkpoint from a newer gflownet-ts is refused before its body is read', () => {
    const newer = good.toString('utf8').replace('"version":2,', '"version":3,');
    const expected = 'was written by a newer gflownet-ts (format version 3; this one reads versions 1 to 2): upgrade gflownet-ts to read it';
    let r = refusal(newer);
    expect(r.message).toBe(`checkpoint ${r.file} ${expected}`);
    // whatever layout follows its head
    r = refusal(Buffer.concat([Buffer.from('{"format":"gflownet-ts-checkpoint","version":7,"body":'), Buffer.from([0, 1, 2, 250])]));
    expect(r.message).toBe(`checkpoint ${r.file} ${expected.replace('version 3', 'version 7')}`);
  });

  it('another kind of file is refused as not a checkpoint: a metrics log, a config, binary data', () => {
    const run = join(dir, 'run');
    for (const [file, why] of [
      ['metrics.jsonl', "it holds one JSON object per line (like a run's metrics.jsonl)"],
      ['config.json', 'it is a JSON object without a "format" field'],
    ]) {
      const path = join(run, file!);
      expect(() => readCheckpoint(path)).toThrow(`checkpoint ${path} is not a gflownet-ts checkpoint: ${why}`);
    }
    const binary = refusal(new Uint8Array(new Float64Array([1.5, -2, Math.PI]).buffer));
    expect(binary.message).toBe(`checkpoint ${binary.file} is not a gflownet-ts checkpoint: it holds binary data`);
  });
});

describe('checkpoints written before checksums (version 1)', () => {
  it('still load: sampling and resuming from one give what the sealed checkpoint gives', async () => {
    const { sha256: _, ...doc } = JSON.parse(good.toString('utf8')) as Record<string, unknown>;
    const legacy = withCheckpoint(JSON.stringify({ ...doc, version: 1 }));
    const sealed = withCheckpoint(good);
    expect(readCheckpoint(legacy.runDir)).toEqual({ ...readCheckpoint(sealed.runDir), version: 1 });
    const draws: Int32Array[] = [];
    for (const { runDir } of [legacy, sealed]) {
      const sampler = await loadSampler(runDir, { seed: 5 });
      draws.push(sampler.sample(200).states);
      sampler.dispose();
    }
    expect(draws[0]).toEqual(draws[1]);
    for (const { runDir } of [legacy, sealed]) {
      const checkpoint = readCheckpoint(runDir);
      const config = { ...checkpoint.config, name: basename(runDir), iterations: ITERATIONS };
      await train(config, registry, { subscribers: ['jsonl', 'checkpoint'], resume: checkpoint });
    }
    expect(metricRecords(legacy.runDir)).toEqual(metricRecords(sealed.runDir));
    // the resumed run's checkpoint is sealed again
    expect(readFileSync(join(legacy.runDir, 'checkpoint.json'), 'utf8').startsWith('{"format":"gflownet-ts-checkpoint","version":2,')).toBe(true);
  }, 60_000);
});

const gfn = (...args: string[]): { code: number; stdout: string; stderr: string } => {
  try {
    const stdout = execFileSync('node', ['bin/gfn.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('the gfn command on a damaged checkpoint', () => {
  it('gfn sample and gfn train --resume print one gfn: line naming the file and exit 1 (loadSampler rejects with it)', async () => {
    const text = good.toString('utf8');
    const at = text.indexOf('"base64":"') + 30;
    const corrupted = withCheckpoint(`${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);
    const line = new RegExp(
      `^gfn: checkpoint ${corrupted.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupted: its content does not match its sha256 checksum .*\n$`,
    );
    await expect(loadSampler(corrupted.runDir)).rejects.toThrow(`checkpoint ${corrupted.file} is corrupted: its content does not match its sha256 checksum`);
    const sample = gfn('sample', '--checkpoint', corrupted.runDir, '-n', '5', '--out', join(dir, 'samples.jsonl'));
    expect(sample.code).toBe(1);
    expect(sample.stderr).toMatch(line);
    const resume = gfn('train', '--resume', corrupted.runDir, '--set', `iterations=${ITERATIONS}`);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(line);
    // nothing was appended to the run's log
    expect(readFileSync(join(corrupted.runDir, 'metrics.jsonl'))).toEqual(readFileSync(join(dir, 'run', 'metrics.jsonl')));
  }, 60_000);
});
