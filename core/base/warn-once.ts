const printed = new Set<string>();

/**
 * Prints `message` on the console (`[gfn] …`, standard error) the first time this process sees it:
 * a warning about the config or the machine is said once, however many runs a process trains.
 */
export function warnOnce(message: string): void {
  if (printed.has(message)) return;
  printed.add(message);
  console.warn(`[gfn] ${message}`);
}
