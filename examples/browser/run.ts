// `npm run build:browser` bundles the example; `npm run example:browser` also serves it and
// prints the address to open (port: PORT, default 8080).
import { buildBrowserExample } from './build.js';
import { serveBrowserExample } from './serve.js';

await buildBrowserExample();
process.stdout.write('built examples/browser/build/app.js\n');
if (process.argv.includes('--serve')) {
  const server = await serveBrowserExample(Number(process.env.PORT ?? 8080));
  process.stdout.write(`open ${server.url} (Ctrl-C stops the server)\n`);
}
