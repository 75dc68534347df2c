import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';

/** A running static server of the example page. */
export interface ExampleServer {
  /** The page's address, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `examples/browser/` (the page and its `build/`) on 127.0.0.1; port 0 picks a free one. */
export async function serveBrowserExample(port = 0): Promise<ExampleServer> {
  const app = Fastify();
  await app.register(fastifyStatic, { root: dirname(fileURLToPath(import.meta.url)) });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the example server has no TCP address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => app.close() };
}
