import { type Dashboard, startDashboard } from '../dashboard/server.js';

/** Options of `gfn dashboard` (and of `gfn train --dashboard`). */
export interface DashboardCliOptions {
  port?: string;
  host?: string;
}

/** Parses --port: an integer in [0, 65535] (0 = any free port). */
export function parsePort(value: string | undefined, flag = '--port'): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new Error(`${flag} must be an integer in [0, 65535] (0 = any free port), got '${value}'`);
  return port;
}

/** Stops the dashboard on Ctrl-C / SIGTERM; the process then exits with its exit code so far. */
export function closeOnSignal(dashboard: Dashboard): void {
  const stop = (): void => {
    void dashboard.close().finally(() => process.exit());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `gfn dashboard [runs-dir]`: serves the runs and benchmarks under the folder until interrupted. */
export async function dashboardCommand(runsDir: string | undefined, options: DashboardCliOptions): Promise<void> {
  const dashboard = await startDashboard({ root: runsDir ?? 'runs', port: parsePort(options.port), ...(options.host ? { host: options.host } : {}) });
  process.stdout.write(`dashboard for ${dashboard.root}: ${dashboard.url} (Ctrl-C to stop)\n`);
  closeOnSignal(dashboard);
}
