/** What the host may offer to give the event loop a turn. */
interface YieldHosts {
  setImmediate?: (callback: () => void) => unknown;
}

let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];

/**
 * Lets pending work run (timers, signal handlers, a page's rendering and input) and
 * resumes as soon as possible: `setImmediate` under Node; in browsers a message to itself, an
 * ordinary task that timers and rendering interleave with (`scheduler.yield()` would be resumed
 * ahead of them, and a zero-delay timeout is clamped to 4 ms).
 */
export function yieldToEventLoop(): Promise<void> {
  const host = globalThis as YieldHosts;
  if (typeof host.setImmediate === 'function') {
    const schedule = host.setImmediate;
    return new Promise((resolve) => void schedule(resolve));
  }
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(undefined);
  });
}
