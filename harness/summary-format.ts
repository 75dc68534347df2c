import { mean, std } from './statistics.js';

/** A number with 3 significant digits, without trailing zeros; "—" when missing. */
export function formatNumber(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : '—';
}

/** `mean ± std` over seeds (just the value for one seed); "—" for none. */
export function formatMeanStd(xs: readonly number[]): string {
  if (xs.length === 0) return '—';
  return xs.length === 1 ? formatNumber(xs[0]!) : `${formatNumber(mean(xs))} ± ${formatNumber(std(xs))}`;
}
