// The figures the docs state about the package and the start-up of `gfn`: where each is written,
// in which form, and how a measured value is compared with it. Used by `npm run docs:check`
// (scripts/docs-check.ts) and by test/package/documented-figures.test.ts for the package's size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The figures that are checked; `Kb` figures are in kB of 1024 bytes, `S` figures in seconds. */
export type FigureName = 'packageFiles' | 'packedKb' | 'unpackedKb' | 'helpWallS' | 'helpCpuS' | 'listWallS' | 'listCpuS';

export type Figures = Record<FigureName, number>;

/** A sentence of the docs that states figures: its page, and its form with one named group per figure. */
interface Statement {
  page: string;
  pattern: RegExp;
  /** The form, as a reader editing the page should keep it. */
  form: string;
}

// One place for each figure. Editing these sentences, keep their form: a form that is not found
// exactly once fails the check, naming the page and the form.
const STATEMENTS: Statement[] = [
  {
    page: 'docs/package.md',
    pattern: /\*\*(?<packageFiles>\d+) files, (?<packedKb>\d+) kB packed, (?<unpackedKb>\d+) kB unpacked\*\*/g,
    form: '**<n> files, <n> kB packed, <n> kB unpacked**',
  },
  {
    page: 'docs/package.md',
    pattern: /`gfn --help` (?<helpWallS>\d+(?:\.\d+)?) s wall \((?<helpCpuS>\d+(?:\.\d+)?) s CPU\)/g,
    form: '`gfn --help` <x> s wall (<y> s CPU)',
  },
  {
    page: 'docs/package.md',
    pattern: /`gfn list` (?<listWallS>\d+(?:\.\d+)?) s wall \((?<listCpuS>\d+(?:\.\d+)?) s CPU\)/g,
    form: '`gfn list` <x> s wall (<y> s CPU)',
  },
];

/** How far a measured figure may be from the stated one, as a fraction of the stated one. */
export const DRIFT_TOLERANCE = 0.2;

/** The figures as the docs state them; throws naming the page and the form of any statement not found exactly once. */
export function readStatedFigures(root: string): Figures {
  const stated: Partial<Figures> = {};
  for (const { page, pattern, form } of STATEMENTS) {
    const matches = [...readFileSync(join(root, page), 'utf8').matchAll(pattern)];
    if (matches.length !== 1) throw new Error(`${page}: expected the figures once in the form ${form}, found ${matches.length}`);
    for (const [name, value] of Object.entries(matches[0]!.groups!)) stated[name as FigureName] = Number(value);
  }
  return stated as Figures;
}

/** What `npm pack --json` (or `--dry-run --json`) reports about a tarball. */
export interface PackSummary {
  size: number;
  unpackedSize: number;
  files: unknown[];
}

/** The package's figures in the units the docs use. */
export function packageFigures(pack: PackSummary): Pick<Figures, 'packageFiles' | 'packedKb' | 'unpackedKb'> {
  return { packageFiles: pack.files.length, packedKb: pack.size / 1024, unpackedKb: pack.unpackedSize / 1024 };
}

/** One figure compared: `drift` is (measured - stated) / stated. */
export interface Comparison {
  name: FigureName;
  stated: number;
  measured: number;
  drift: number;
  withinTolerance: boolean;
}

/** Compares each measured figure with the stated one. */
export function compareFigures(stated: Figures, measured: Partial<Figures>, tolerance = DRIFT_TOLERANCE): Comparison[] {
  return Object.entries(measured).map(([name, value]) => {
    const s = stated[name as FigureName];
    const drift = (value - s) / s;
    return { name: name as FigureName, stated: s, measured: value, drift, withinTolerance: Math.abs(drift) <= tolerance };
  });
}
