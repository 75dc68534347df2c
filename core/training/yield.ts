/** What the host may offer to give the event loop a turn (Node: `setImmediate`; browsers: `scheduler.yield`). */
interface YieldHosts {
  setImmediate?: (callback: () => void) => unknown;
  scheduler?: { yield?: () => Promise<void> };
}

/**
 * Lets pending work run (timers, signal handlers, a page's rendering and input) and resumes as
 * soon as possible: `setImmediate` under Node, `scheduler.yield()` in browsers that have it, a
 * zero-delay timeout elsewhere.
 */
export function yieldToEventLoop(): Promise<void> {
  const host = globalThis as YieldHosts;
  if (typeof host.setImmediate === 'function') {
    const schedule = host.setImmediate;
    return new Promise((resolve) => void schedule(resolve));
  }
  if (typeof host.scheduler?.yield === 'function') return host.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
