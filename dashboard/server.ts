import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { benchDetails } from './bench.js';
import { type BoundedReader, fileReader } from './bounded-read.js';
import { VIEWS_DIR } from '../run-folder/layout.js';
import { registerPage } from './page.js';
import { resolveInside } from './safe-path.js';
import { scanRoot } from './scan.js';
import { registerStream } from './stream.js';
import { listViews } from './views-listing.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The folder whose runs and benchmarks are shown; nothing outside it is served. */
  root: string;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (default 8080; 0 = any free port). */
  port?: number;
  /** File reads of the run listing (tests count bytes here). */
  reader?: BoundedReader;
  /** Where the server reports its errors (default: a `dashboard:` line on standard error). */
  log?: (message: string) => void;
}

/** A listening dashboard. */
export interface Dashboard {
  url: string;
  root: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Host name of a Host header (`name:port`, `[v6]:port`). */
function hostName(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  return header.split(':')[0]!;
}

/**
 * Builds the dashboard's server (not listening yet): the page and its script, `GET /api/runs`
 * (runs and benchmarks under the root), `GET /api/stream` (live log lines, see `registerStream`),
 * `GET /api/views?run=` (the evaluation views a run kept, and the newest's contents), `GET /api/bench?id=` (a benchmark's
 * summary and runs), and `GET /files/<path>` (files under the root only: `..`, absolute paths
 * and links leading out of it are refused). On a loopback address, requests naming another host
 * are refused, so that a web page cannot reach the dashboard through a rebound domain name.
 */
export function buildDashboard(options: DashboardOptions): FastifyInstance {
  if (!existsSync(options.root) || !statSync(options.root).isDirectory())
    throw new Error(`dashboard: runs folder ${options.root} does not exist (train a run first, or name the folder that holds runs)`);
  const root = realpathSync(options.root);
  const host = options.host ?? '127.0.0.1';
  const reader = options.reader ?? fileReader;
  const log = options.log ?? ((message: string) => process.stderr.write(`dashboard: ${message}\n`));
  const app = Fastify({ logger: false });
  // fastify's own logger is off (it would print every request); a failed request is reported here
  app.addHook('onError', async (request, _reply, error) => {
    if ((error.statusCode ?? 500) >= 500) log(`${request.method} ${request.url} failed: ${error.message}`);
  });

  if (LOOPBACK.has(host)) {
    app.addHook('onRequest', async (request, reply) => {
      if (!LOOPBACK.has(hostName(request.headers.host))) await reply.code(403).send({ error: 'the dashboard answers requests for this machine only' });
    });
  }
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  registerPage(app, log);
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  app.get('/api/runs', async () => ({ root, ...scanRoot(root, { reader, now: Date.now() }) }));
  app.get('/api/views', async (request, reply) => {
    const run = String((request.query as { run?: unknown }).run ?? '');
    const dir = resolveInside(root, run);
    if (dir === undefined) return reply.code(404).send({ error: `no run '${run}'` });
    return listViews(resolveInside(root, join(run, VIEWS_DIR)));
  });
  app.get('/api/bench', async (request, reply) => {
    const id = String((request.query as { id?: unknown }).id ?? '');
    const dir = resolveInside(root, id);
    const details = dir === undefined ? undefined : benchDetails(id, dir, reader);
    return details ?? reply.code(404).send({ error: `no benchmark '${id}'` });
  });
  registerStream(app, root);
  app.register(async (files) => {
    files.addHook('onSend', async (_request, reply) => {
      // a file of a run opened on its own (an SVG, say) runs no script with the dashboard's rights
      reply.header('content-security-policy', 'sandbox');
    });
    await files.register(fastifyStatic, {
      root,
      prefix: '/files/',
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      allowedPath: (pathName) => resolveInside(root, pathName.replace(/^\/+/, '')) !== undefined,
    });
  });
  return app;
}

/** Starts the dashboard and resolves once it listens; `url` is the address to open. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const app = buildDashboard(options);
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 8080 });
  } catch (err) {
    await app.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new Error(`dashboard: port ${options.port ?? 8080} on ${host} is in use; choose another with --port (0 = any free port)`);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${shownHost}:${port}/`, root: realpathSync(options.root), app, close: () => app.close() };
}
