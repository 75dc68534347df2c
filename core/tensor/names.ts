let counter = 0;

/**
 * A variable name unique within the process: tfjs optimisers key their state by variable name,
 * so two runs (or two networks) in one process must never share one.
 */
export function uniqueVariableName(base: string): string {
  counter += 1;
  return `${base}#${counter}`;
}
