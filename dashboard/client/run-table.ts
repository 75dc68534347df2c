import type { RunSummary } from '../run-summary.js';
import { el } from './api.js';

const fmt = (v: number | undefined, digits = 3): string =>
  v === undefined || !Number.isFinite(v) ? '' : Number.isInteger(v) ? String(v) : v.toPrecision(digits);

function age(ms: number): string {
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const COLUMNS = [
  '',
  'run',
  'status',
  'env',
  'objective',
  'backward',
  'seed',
  'iteration',
  'loss',
  'TV',
  'JSD',
  '|log Ẑ − log Z|',
  'modes',
  'reward ratio',
  'it/s',
  'updated',
];

/**
 * The run list: one row per run with its status, config summary and latest metrics, and a check
 * box that adds it to the overlaid curves. `onToggle` gets the run id and the new state.
 */
export function runTable(runs: readonly RunSummary[], selected: ReadonlySet<string>, onToggle: (id: string, on: boolean) => void): HTMLTableElement {
  const head = el('tr', {}, ...COLUMNS.map((c) => el('th', {}, c)));
  const rows = runs.map((r) => {
    const box = el('input', { type: 'checkbox', 'data-run': r.id, 'aria-label': `show ${r.id}` });
    box.checked = selected.has(r.id);
    box.addEventListener('change', () => onToggle(r.id, box.checked));
    const m = r.latest;
    const progress =
      r.iteration === undefined ? '' : `${r.iteration}${r.totalIterations !== undefined && r.totalIterations < 1e9 ? ` / ${r.totalIterations}` : ''}`;
    const status = el('span', { class: `status status-${r.status}`, ...(r.error ? { title: r.error } : {}) }, r.status);
    const modes = m.modesFound === undefined ? '' : `${m.modesFound}${m.modesTotal !== undefined ? ` / ${m.modesTotal}` : ''}`;
    const cells = [
      box,
      r.id,
      status,
      r.env ?? '',
      r.objective ?? '',
      r.backward ?? '',
      fmt(r.seed),
      progress,
      fmt(m.loss),
      fmt(m.tv),
      fmt(m.jsd),
      fmt(m.logZError),
      modes,
      fmt(m.rewardRatio),
      fmt(r.itPerSec, 3),
      r.updatedMs ? age(r.updatedMs) : '',
    ];
    return el('tr', { 'data-run': r.id, class: selected.has(r.id) ? 'selected' : '' }, ...cells.map((c) => el('td', {}, c)));
  });
  return el('table', { class: 'runs' }, el('thead', {}, head), el('tbody', {}, ...rows));
}
