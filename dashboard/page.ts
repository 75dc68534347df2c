import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the page: `index.html`, `style.css` and `app.js` from the `public/` folder beside this
 * module. In the package that folder is `dist/dashboard/public/`, written whole by `npm run build`
 * (the script bundled from `client/`), and everything is served as files. Run from the sources
 * (`node bin/gfn.js`, through tsx), `dashboard/public/` holds no `app.js`: the script is then
 * bundled in memory from `client/` when the server starts (esbuild, a dev dependency), so edits
 * to the page need no build step. Problems are reported through `log`, not only to the browser.
 */
export function registerPage(app: FastifyInstance, log: (message: string) => void): void {
  const folder = fileURLToPath(new URL('./public', import.meta.url));
  if (!existsSync(join(folder, 'index.html'))) log(`the page is missing: no ${join(folder, 'index.html')} (a package built without \`npm run build\`?)`);
  app.register(fastifyStatic, { root: folder, prefix: '/', index: ['index.html'], wildcard: false });
  if (existsSync(join(folder, 'app.js'))) return;
  const script = import('./client-bundle.js').then(({ clientBundle }) => clientBundle());
  // bundling starts now and the first page load waits for it; a failure is logged when it happens
  script.catch((err: Error) =>
    log(
      `the page script could not be bundled from ${fileURLToPath(new URL('./client/', import.meta.url))} (\`npm run build\` writes it to dist/dashboard/public/app.js): ${err.message}`,
    ),
  );
  app.get('/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(await script));
}
