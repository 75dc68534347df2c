import { chartOf } from './actor-series.js';
import { METRICS } from './series.js';

/**
 * Which chart draws which curve of the selected runs. A conditional run's evaluation writes each
 * metric at each condition of its grid as `<metric>@<condition>` (`tv@beta=0.5`,
 * `tv@branin=0.25,currin=0.75`) and the mean over the grid under the plain name (`tv`):
 * docs/conditional.md. Those curves share the metric's chart, one line per condition, named by the
 * condition (`β = 0.5`), and the plain curve is the line `mean over the grid`. Every sampling
 * actor's rate shares one chart too (`actor 2`). Any other curve, an unconditional run's `tv`
 * included, is drawn alone in its chart, as it always was. Pure: no page, no charting library.
 */

/** The line of a conditional run's plain metric (its mean over the condition grid). */
export const MEAN_PART = 'mean over the grid';
/** The line of an unconditional run's metric in a chart that also draws a conditional run's conditions. */
export const UNCONDITIONAL_PART = 'unconditional';

/** One component of a condition: `beta=0.5` is `{ name: 'beta', value: 0.5 }`. */
export interface ConditionComponent {
  name: string;
  value: number;
}

/** A curve key read as a metric at a condition. */
export interface ConditionKey {
  metric: string;
  components: ConditionComponent[];
}

/** Where one curve of a run is drawn: its chart and, where that chart draws several lines per run, its line. */
export interface CurvePlace {
  chart: string;
  part?: string;
}

/** One chart of the page. */
export interface ChartGroup {
  /** The chart's key: the metric (`tv`), `actorRate`, or the curve key of a curve drawn alone. */
  key: string;
  /** Its lines per run, in legend order; empty where each run draws one line. */
  parts: string[];
  /** Its lines are conditions (drawn in a colour each), not actors (dashed differently). */
  conditions: boolean;
}

/** The page's charts, in order, and where each selected run's curves go. */
export interface ChartLayout {
  charts: ChartGroup[];
  /** For each run (in the order given), curve key → place; every key given is placed. */
  places: Array<Map<string, CurvePlace>>;
}

// a component name holds none of the separators; a value is a number as JavaScript prints one
const COMPONENT = /^([^=,@\s]+)=(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

/** `tv@beta=0.5` → `{ metric: 'tv', components: [{ name: 'beta', value: 0.5 }] }`; undefined for a key that is not a metric at a condition. */
export function parseConditionKey(key: string): ConditionKey | undefined {
  const at = key.indexOf('@');
  if (at <= 0 || key.indexOf('@', at + 1) >= 0) return undefined;
  const components: ConditionComponent[] = [];
  for (const text of key.slice(at + 1).split(',')) {
    const m = COMPONENT.exec(text);
    if (!m) return undefined;
    components.push({ name: m[1]!, value: Number(m[2]) });
  }
  const names = components.map((c) => c.name);
  return new Set(names).size === names.length ? { metric: key.slice(0, at), components } : undefined;
}

/** The legend's name of a condition: `β = 2, branin = 0.25, currin = 0.75`. */
export function conditionLabel(components: readonly ConditionComponent[]): string {
  return components.map((c) => `${c.name === 'beta' ? 'β' : c.name} = ${c.value}`).join(', ');
}

/**
 * Where the curves of one run go (before the page is seen as a whole: an unconditional run's metric
 * has no line name yet).
 */
function placeRunCurves(keys: readonly string[]): {
  places: Map<string, CurvePlace>;
  /** The metrics measured at conditions. */
  conditioned: Set<string>;
  /** Each condition's line name → its components. */
  order: Map<string, ConditionComponent[]>;
} {
  const parsed = new Map(keys.map((k) => [k, parseConditionKey(k)]));
  const conditioned = new Set([...parsed.values()].flatMap((p) => (p ? [p.metric] : [])));
  const places = new Map<string, CurvePlace>();
  const order = new Map<string, ConditionComponent[]>();
  for (const key of keys) {
    const p = parsed.get(key);
    if (p) {
      const part = conditionLabel(p.components);
      places.set(key, { chart: p.metric, part });
      order.set(part, p.components);
    } else if (conditioned.has(key)) places.set(key, { chart: key, part: MEAN_PART });
    else places.set(key, chartOf(key));
  }
  return { places, conditioned, order };
}

/** Conditions by their components (name, then value, component by component); then the mean, then an unconditional run's line. */
function compareParts(order: ReadonlyMap<string, ConditionComponent[]>): (a: string, b: string) => number {
  const rank = (p: string) => (p === UNCONDITIONAL_PART ? 2 : p === MEAN_PART ? 1 : 0);
  return (a, b) => {
    const ranks = rank(a) - rank(b);
    if (ranks !== 0) return ranks;
    const ca = order.get(a);
    const cb = order.get(b);
    if (ca && cb)
      for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        const names = ca[i]!.name.localeCompare(cb[i]!.name);
        if (names !== 0) return names;
        if (ca[i]!.value !== cb[i]!.value) return ca[i]!.value - cb[i]!.value;
      }
    // actors (`actor 10` after `actor 9`) and conditions of different lengths
    return a.localeCompare(b, undefined, { numeric: true });
  };
}

/**
 * The charts for the curve keys of the selected runs (one list per run): the standard metrics
 * first (`METRICS`' order), then the others by name; in each chart, its lines in legend order.
 */
export function layoutCharts(runs: ReadonlyArray<readonly string[]>): ChartLayout {
  const placed = runs.map(placeRunCurves);
  const parts = new Map<string, Set<string>>();
  const order = new Map<string, ConditionComponent[]>();
  const conditional = new Set<string>();
  for (const run of placed) {
    for (const [part, components] of run.order) order.set(part, components);
    for (const metric of run.conditioned) conditional.add(metric);
    for (const place of run.places.values()) {
      if (!parts.has(place.chart)) parts.set(place.chart, new Set());
      if (place.part !== undefined) parts.get(place.chart)!.add(place.part);
    }
  }
  // an unconditional run's metric beside a conditional run's: a line of its own name
  for (const run of placed)
    for (const place of run.places.values())
      if (place.part === undefined && conditional.has(place.chart)) {
        place.part = UNCONDITIONAL_PART;
        parts.get(place.chart)!.add(UNCONDITIONAL_PART);
      }
  const standard = METRICS.map((m) => m.key).filter((k) => parts.has(k));
  const keys = [...standard, ...[...parts.keys()].filter((k) => !standard.includes(k)).sort()];
  const compare = compareParts(order);
  return {
    charts: keys.map((key) => ({ key, parts: [...parts.get(key)!].sort(compare), conditions: conditional.has(key) })),
    places: placed.map((p) => p.places),
  };
}
