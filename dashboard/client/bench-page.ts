import { Marked } from 'marked';
import { type BenchDetails, el, fileUrl, getJson } from './api.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// raw HTML in a summary (a description, an error message) is shown as text, never interpreted
const markdown = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });

/** Links of the summary that go anywhere but a web page or a place in this one are dropped. */
function keepSafeLinks(root: HTMLElement): void {
  for (const a of root.querySelectorAll('a')) if (!/^(https?:|#)/i.test(a.getAttribute('href') ?? '')) a.removeAttribute('href');
}

/**
 * A `gfn bench` folder: its `summary.md` (tables and plots) with a link on each table row to the
 * runs of that environment and objective, which opens them overlaid on the runs page.
 */
export async function renderBenchPage(container: HTMLElement, id: string): Promise<void> {
  const details = await getJson<BenchDetails>(`/api/bench?id=${encodeURIComponent(id)}`);
  const body = el('div', { class: 'bench-summary' });
  if (details.summary === undefined) body.append(el('p', {}, `No summary.md yet in ${id || '.'}: the benchmark writes it when its runs are done.`));
  else body.innerHTML = markdown.parse(details.summary, { async: false });
  keepSafeLinks(body);
  for (const img of body.querySelectorAll('img')) {
    const src = img.getAttribute('src') ?? '';
    if (!/^(https?:|data:|\/)/i.test(src)) img.src = fileUrl(id, src);
  }
  // each "## <environment>" heading is followed by its table: rows start with the objective
  for (const heading of body.querySelectorAll('h2')) {
    const env = heading.textContent?.trim() ?? '';
    let table = heading.nextElementSibling;
    while (table && table.tagName !== 'TABLE' && table.tagName !== 'H2') table = table.nextElementSibling;
    if (table?.tagName !== 'TABLE') continue;
    table.querySelector('thead tr')?.append(el('th', {}, 'runs'));
    for (const row of table.querySelectorAll('tbody tr')) {
      const objective = row.querySelector('td')?.textContent?.trim() ?? '';
      const runs = details.runs[env]?.[objective] ?? [];
      const cell = el('td');
      if (runs.length > 0)
        cell.append(
          el('a', { href: `#/?select=${runs.map(encodeURIComponent).join(',')}`, class: 'bench-runs' }, `${runs.length} run${runs.length > 1 ? 's' : ''}`),
        );
      row.append(cell);
    }
  }
  container.replaceChildren(el('p', { class: 'breadcrumb' }, el('a', { href: '#/' }, 'runs'), ` / benchmark folder ${id}`), body);
}
