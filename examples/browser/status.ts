/** What the example page reports while it trains, as `window.gfnDemo` (the browser test reads it). */
export interface DemoStatus {
  iteration: number;
  /** Exact TV of the latest evaluation. */
  tv: number | undefined;
  evaluations: number;
  backend: string | undefined;
  done: boolean;
  error: string | undefined;
}
