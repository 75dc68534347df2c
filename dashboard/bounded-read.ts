import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Reads of at most a given number of bytes (the run listing never reads a whole log). */
export interface BoundedReader {
  /** Up to `maxBytes` from the start of the file; undefined when it cannot be read. */
  head(path: string, maxBytes: number): Buffer | undefined;
  /** The last `maxBytes` bytes (or all, if fewer) and the file's size; undefined when it cannot be read. */
  tail(path: string, maxBytes: number): { bytes: Buffer; size: number } | undefined;
}

function withFile<T>(path: string, use: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** {@link BoundedReader} on the file system. */
export const fileReader: BoundedReader = {
  head: (path, maxBytes) => withFile(path, (fd) => readAt(fd, Math.min(maxBytes, fstatSync(fd).size), 0)),
  tail: (path, maxBytes) =>
    withFile(path, (fd) => {
      const size = fstatSync(fd).size;
      const length = Math.min(maxBytes, size);
      return { bytes: readAt(fd, length, size - length), size };
    }),
};
