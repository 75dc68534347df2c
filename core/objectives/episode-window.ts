/**
 * Statistics of the last `size` finished episodes: the usual learning curve of classic RL
 * (mean return over the last 100 episodes, as Stable-Baselines3 and Gymnasium's episode-statistics
 * wrapper report it).
 */
export class EpisodeWindow {
  private readonly returns: number[] = [];
  private readonly lengths: number[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`EpisodeWindow: size must be a positive integer, got ${size}`);
  }

  /** Number of episodes currently in the window (at most `size`). */
  get count(): number {
    return this.returns.length;
  }

  /** Adds finished episodes in finishing order; the oldest fall out of the window. */
  add(returns: readonly number[], lengths: readonly number[]): void {
    if (returns.length !== lengths.length) throw new Error(`EpisodeWindow: ${returns.length} returns but ${lengths.length} lengths`);
    this.returns.push(...returns);
    this.lengths.push(...lengths);
    const excess = this.returns.length - this.size;
    if (excess > 0) {
      this.returns.splice(0, excess);
      this.lengths.splice(0, excess);
    }
  }

  /**
   * `episodeReturnMean`, `episodeReturnStd` (population std) and `episodeLengthMean` over the
   * window; empty until an episode has finished (so that no metric is ever NaN).
   */
  metrics(): Record<string, number> {
    const n = this.returns.length;
    if (n === 0) return {};
    const mean = this.returns.reduce((a, b) => a + b, 0) / n;
    const variance = this.returns.reduce((a, r) => a + (r - mean) ** 2, 0) / n;
    return { episodeReturnMean: mean, episodeReturnStd: Math.sqrt(variance), episodeLengthMean: this.lengths.reduce((a, b) => a + b, 0) / n };
  }
}
