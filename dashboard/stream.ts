import type { FastifyInstance } from 'fastify';
import { JsonlFollower } from './follow.js';
import { metricsPath } from '../run-folder/paths.js';
import { resolveInside } from './safe-path.js';

/** How often a stream looks for new lines (a stat per followed run; bytes are read only when the log grew). */
export const FOLLOW_INTERVAL_MS = 250;
const KEEPALIVE_MS = 15_000;
/** Runs one stream may follow. */
export const MAX_FOLLOWED_RUNS = 64;

/**
 * `GET /api/stream?run=<id>&from=<offset>&run=…`: server-sent events following the metrics log
 * of each run from its offset (0 = from the start): `records` events
 * (`{ run, offset, records, skipped }`) as lines are appended, `reset` events (`{ run }`) when a
 * log was replaced and is being read again from the start. One connection serves several runs.
 */
export function registerStream(app: FastifyInstance, root: string): void {
  app.get('/api/stream', async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const runs = list(query.run);
    const offsets = list(query.from);
    if (runs.length === 0 || runs.length > MAX_FOLLOWED_RUNS) return reply.code(400).send({ error: `give 1 to ${MAX_FOLLOWED_RUNS} run parameters` });
    const followers: Array<{ run: string; follower: JsonlFollower }> = [];
    for (const [i, run] of runs.entries()) {
      const dir = resolveInside(root, run);
      const offset = Number(offsets[i] ?? 0);
      if (dir === undefined) return reply.code(404).send({ error: `no run '${run}' under the dashboard's folder` });
      if (!Number.isSafeInteger(offset) || offset < 0) return reply.code(400).send({ error: `from=${offsets[i]} is not a byte offset` });
      followers.push({ run, follower: new JsonlFollower(metricsPath(dir), offset) });
    }
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    const send = (event: string, data: unknown): boolean => out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    const poll = async (): Promise<void> => {
      for (const { run, follower } of followers) {
        for (let more = true; more && !closed; ) {
          const chunk = await follower.read();
          if (chunk.reset) send('reset', { run });
          if (chunk.records.length > 0 || chunk.skipped > 0) {
            send('records', { run, offset: chunk.offset, records: chunk.records, skipped: chunk.skipped });
            lastWrite = Date.now();
          }
          more = chunk.more;
        }
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        out.write(': keepalive\n\n');
        lastWrite = Date.now();
      }
    };
    const loop = (): void => {
      poll()
        .catch((err: Error) => send('failure', { message: err.message }))
        .finally(() => {
          if (!closed) timer = setTimeout(loop, FOLLOW_INTERVAL_MS);
        });
    };
    request.raw.on('close', () => {
      closed = true;
      clearTimeout(timer);
    });
    loop();
  });
}
