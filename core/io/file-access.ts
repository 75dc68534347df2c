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
}

/** Decodes UTF-8 text (e.g. a CSV file) read through {@link FileAccess}. */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
