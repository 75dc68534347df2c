/** One broken invariant: the check's name and what was seen. */
export interface ConformanceFailure {
  /** Name of the broken check, e.g. `step-inverse`. */
  check: string;
  /** What was seen, with up to a few offending examples. */
  message: string;
}

/** What a conformance check found: every check it ran, and the ones that failed. */
export interface ConformanceReport {
  /** What was checked, e.g. `environment 'chain'`. */
  subject: string;
  /** Names of the checks that ran, in order. */
  checks: string[];
  /** The broken ones (empty when everything holds). */
  failures: ConformanceFailure[];
  /** True when no check failed. */
  ok: boolean;
}

/** Most offending examples quoted per failed check. */
const MAX_EXAMPLES = 3;

/**
 * Collects the outcome of named checks. A check that throws fails with the error's message, so one
 * broken method never hides the results of the others.
 */
export class ReportBuilder {
  private readonly checks: string[] = [];
  private readonly failures: ConformanceFailure[] = [];

  constructor(private readonly subject: string) {}

  /**
   * Runs `body`, which returns the offending examples (an empty list when the check holds). At most
   * {@link MAX_EXAMPLES} are quoted, with the total count.
   */
  run(check: string, body: () => readonly string[]): void {
    this.checks.push(check);
    let problems: readonly string[];
    try {
      problems = body();
    } catch (err) {
      problems = [`threw: ${(err as Error).message}`];
    }
    if (problems.length === 0) return;
    const shown = problems.slice(0, MAX_EXAMPLES).join('; ');
    const more = problems.length > MAX_EXAMPLES ? ` (and ${problems.length - MAX_EXAMPLES} more)` : '';
    this.failures.push({ check, message: shown + more });
  }

  /** Marks a check as not run because an earlier one it depends on failed. */
  skipped(check: string, because: string): void {
    this.checks.push(check);
    this.failures.push({ check, message: `not checked: ${because}` });
  }

  report(): ConformanceReport {
    return { subject: this.subject, checks: [...this.checks], failures: [...this.failures], ok: this.failures.length === 0 };
  }
}

/** Renders a report as text: one line per failed check (or a line saying all passed). */
export function formatReport(report: ConformanceReport): string {
  if (report.ok) return `${report.subject}: all ${report.checks.length} checks passed (${report.checks.join(', ')})`;
  return [
    `${report.subject}: ${report.failures.length} of ${report.checks.length} checks failed`,
    ...report.failures.map((f) => `  ${f.check}: ${f.message}`),
  ].join('\n');
}

/** Throws an error listing every failed check of `report`; returns it unchanged when all passed. */
export function assertConforms(report: ConformanceReport): ConformanceReport {
  if (!report.ok) throw new Error(formatReport(report));
  return report;
}
