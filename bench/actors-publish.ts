/**
 * What publishing parameters to actors over Redis costs (docs/actors.md, "Across processes"): the
 * learner's publication (`plugins/node/redis-actors/publish-script.ts`: the parameters' key, and on
 * each slot's control stream a notice replacing one right before it, by a script) against the MULTI it
 * replaced (the key, and a notice appended to each stream), interleaved in one sitting. Per form and
 * round: wall and client CPU milliseconds per publication, and the length of a slot's control stream
 * after them (the MULTI's grows by one per publication: the slot has no actor to trim it).
 *
 *   redis-server --port 6391 --save '' --appendonly no &
 *   npx tsx --tsconfig tsconfig.json bench/actors-publish.ts --url redis://127.0.0.1:6391
 *   npx tsx --tsconfig tsconfig.json bench/actors-publish.ts --url redis://127.0.0.1:6391 --floats 206000 --slots 2 --publications 200 --rounds 3
 *
 * The default 206,000 floats (824 KB) are about the parameters of an MLP 4x256 on 2-D HyperGrid H = 16.
 */
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { connectRedis } from '../harness/queue/connection.js';
import { publishScript } from '../plugins/node/redis-actors/publish-script.js';

const program = new Command()
  .requiredOption('--url <url>', 'a redis-server to measure on (its keys bench:publish:* are overwritten)')
  .option('--floats <n>', 'parameters per publication', '206000')
  .option('--slots <n>', 'actor slots notified per publication', '2')
  .option('--publications <n>', 'publications per form and round', '200')
  .option('--rounds <n>', 'rounds (the forms interleaved in each)', '3')
  .parse();
const opts = program.opts<{ url: string; floats: string; slots: string; publications: string; rounds: string }>();
const count = Number(opts.publications);
const cmd = await connectRedis(opts.url);
const publish = publishScript(cmd);
const values = Buffer.alloc(4 * Number(opts.floats), 1);
const fields = (pub: number): Array<string | Buffer> => [
  'version',
  String(pub),
  'n',
  '16',
  'exploration',
  '{}',
  'sizes',
  `[${opts.floats}]`,
  'values',
  values,
  'publication',
  String(pub),
];
const controls = (form: string): string[] => Array.from({ length: Number(opts.slots) }, (_, i) => `bench:publish:${form}:control:${i}`);

const forms: Record<string, (pub: number) => Promise<unknown>> = {
  multi: (pub) => {
    const key = 'bench:publish:multi:params';
    const m = cmd
      .multi()
      .del(key)
      .hset(key, ...fields(pub));
    for (const c of controls('multi')) m.xadd(c, '*', 'kind', 'publish', 'seq', String(pub), 'key', key);
    return m.exec();
  },
  script: (pub) =>
    publish(
      'bench:publish:script:params',
      fields(pub),
      controls('script').map((control) => ({ control, seq: String(pub) })),
    ),
};

await cmd.del(...controls('multi'), ...controls('script'));
console.log(`${opts.floats} floats to ${opts.slots} slots, ${count} publications per form and round, load ${loadavg()[0]!.toFixed(1)}`);
let pub = 0;
for (let round = 1; round <= Number(opts.rounds); round++) {
  for (const [form, once] of Object.entries(forms)) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    for (let k = 0; k < count; k++) await once(++pub);
    const used = process.cpuUsage(cpu);
    const ms = (performance.now() - wall) / count;
    const length = await cmd.xlen(controls(form)[0]!);
    console.log(
      `round ${round} ${form}: ${ms.toFixed(2)} ms/publication wall, ${((used.user + used.system) / 1000 / count).toFixed(2)} ms client CPU, a control stream's length ${length}`,
    );
  }
}
await cmd.del(...controls('multi'), ...controls('script'), 'bench:publish:multi:params', 'bench:publish:script:params');
await cmd.quit();
