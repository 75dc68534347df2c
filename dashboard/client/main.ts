import { el, getJson, type RunsResponse } from './api.js';
import { renderBenchPage } from './bench-page.js';
import { RunsPage } from './runs-page.js';

let page: RunsPage | undefined;
let firstRoute = true;

/** Shows the page the address names: `#/bench?id=<folder>` or the runs page (`#/?select=…`). */
async function route(): Promise<void> {
  page?.stop();
  page = undefined;
  const app = document.getElementById('app')!;
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?', 2);
  const params = new URLSearchParams(query);
  try {
    // a dashboard opened on a benchmark folder starts on its summary
    const opening = firstRoute;
    firstRoute = false;
    if (opening && hash === '' && (await getJson<RunsResponse>('/api/runs')).benches.some((b) => b.id === '.')) {
      location.replace('#/bench?id=.');
      return;
    }
    if (path === 'bench') await renderBenchPage(app, params.get('id') ?? '');
    else {
      page = new RunsPage(app, params);
      await page.start();
    }
  } catch (err) {
    app.replaceChildren(el('p', { class: 'failure' }, `Could not show this page: ${(err as Error).message}`));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
