/**
 * Time of the sEH prediction table (34M float64 values): `build DIR` computes it and writes it to
 * the cache folder DIR; `load DIR` reads it back from there. Prints wall and CPU seconds; run under
 * `/usr/bin/time -v` for the peak memory (docs/performance.md).
 */
import { ProgressLine } from '../core/base/progress-line.js';
import { loadSehProxy, SEHSTR_TABLE_KEY } from '../envs/sequence/sehstr-proxy-data.js';
import { nodeFileAccess } from '../plugins/node/file-access.js';
import { loadOrComputeTable } from '../plugins/node/table-cache.js';

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'build' && mode !== 'load') || !dir) throw new Error(`usage: seh-table.ts build|load DIR (got ${process.argv.slice(2).join(' ')})`);
const proxy = loadSehProxy(nodeFileAccess);
const wall = performance.now();
const cpu = process.cpuUsage();
const say = (line: string): void => void process.stderr.write(`[gfn] ${line}\n`);
const { table, outcome } = loadOrComputeTable(
  { key: SEHSTR_TABLE_KEY, length: proxy.nStrings, description: 'the sEH proxy table', compute: (onProgress) => proxy.predictAll(onProgress) },
  dir,
  say,
  (label) => new ProgressLine(label, { write: say, now: () => performance.now() }),
);
const used = process.cpuUsage(cpu);
if (outcome !== (mode === 'build' ? 'computed' : 'loaded')) throw new Error(`${mode}: the table was ${outcome}`);
console.log(
  `${mode}: ${table.length} values ${outcome} in ${((performance.now() - wall) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU; table[123456] = ${table[123456]}`,
);
