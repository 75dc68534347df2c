/**
 * Which evaluation views a run keeps on disk: the newest always, and a history of at most
 * `capacity` earlier ones evenly spread over the run. Every evaluation is kept while there are
 * few; when the history overflows, every other one is dropped and from then on only every
 * (2^k)-th evaluation joins it. A run of any length thus keeps at most `capacity + 1` files.
 */
export class ViewHistory {
  private kept: Array<{ n: number; iteration: number }> = [];
  /** The newest view when it is not on the history's grid: dropped when the next one arrives. */
  private provisional?: number;
  private stride = 1;
  private count = 0;

  constructor(readonly capacity = 32) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ViewHistory: capacity must be an integer >= 1, got ${capacity}`);
  }

  /** Records the view of a new evaluation; returns the iterations whose view files to delete. */
  add(iteration: number): number[] {
    const removed: number[] = [];
    if (this.provisional !== undefined) removed.push(this.provisional);
    this.provisional = undefined;
    const n = this.count++;
    if (n % this.stride !== 0) {
      this.provisional = iteration;
      return removed;
    }
    this.kept.push({ n, iteration });
    if (this.kept.length > this.capacity) {
      this.stride *= 2;
      const stays = this.kept.filter((k) => k.n % this.stride === 0);
      for (const k of this.kept) if (k.n % this.stride !== 0 && k.iteration !== iteration) removed.push(k.iteration);
      // the newest stays on disk even off the grid, until the next evaluation replaces it
      if (n % this.stride !== 0) this.provisional = iteration;
      this.kept = stays;
    }
    return removed;
  }

  /** Iterations whose views are on disk now, oldest first. */
  onDisk(): number[] {
    return [...this.kept.map((k) => k.iteration), ...(this.provisional === undefined ? [] : [this.provisional])];
  }
}
