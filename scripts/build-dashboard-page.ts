// Part of `npm run build`: writes the dashboard's page (the script bundled from dashboard/client/,
// index.html, style.css) into dist/dashboard/public/, which the installed `gfn dashboard` serves.
import { relative, resolve } from 'node:path';
import { writeClientPage } from '../dashboard/client-bundle.js';

const outDir = resolve(import.meta.dirname, '../dist/dashboard/public');
const written = await writeClientPage(outDir);
process.stdout.write(`dashboard page: ${written.join(', ')} in ${relative(process.cwd(), outDir)}/\n`);
