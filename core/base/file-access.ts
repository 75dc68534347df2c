/**
 * File reading that portable code (environments, their data) asks of its host. The kernel runs in
 * browsers as well as under Node, so it never touches a file system itself: under Node the host is
 * `nodeFileAccess` (reads files, shipped data from the package), in a page it is whatever the page
 * fetched beforehand (`preloadedFiles` of the browser entry).
 */
export interface FileAccess {
  /** Where the data file `name` shipped with gflownet-ts (`envs/data/<name>`) is read from: a path, a URL. */
  shippedDataLocation(name: string): string;
  /**
   * The bytes at `location`: a shipped data file's location, or a path a config gives (relative
   * paths as the host resolves them). Throws an error saying why when it cannot.
   */
  readBytes(location: string): Uint8Array;
  /**
   * Optional: a large table derived from shipped data (e.g. the sEH proxy's 34M predictions), kept
   * by the host between runs. A host without it (a page) computes the table each time it is needed.
   */
  cachedTable?(spec: CachedTableSpec): Float64Array;
}

/** A table {@link FileAccess.cachedTable} keeps: computed once, then reused while its key matches. */
export interface CachedTableSpec {
  /** Name of the cached copy; include a hash of the inputs so that changed inputs never reuse an old table. */
  key: string;
  /** Number of values. */
  length: number;
  /** Names the table in progress lines and notes, e.g. "the sEH proxy table"; default `table <key>`. */
  description?: string;
  /**
   * Computes the table when no valid cached copy exists, reporting the fraction done to `onProgress`
   * now and then (a host shows it when the computation is long).
   */
  compute: (onProgress?: (fraction: number) => void) => Float64Array;
}

/** The table through the host's cache when it has one, else computed now. */
export function tableOf(files: FileAccess, spec: CachedTableSpec): Float64Array {
  return files.cachedTable ? files.cachedTable(spec) : spec.compute();
}

/** Decodes UTF-8 text (e.g. a CSV file) read through {@link FileAccess}. */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
