import { open, stat } from 'node:fs/promises';
import { parseMetricsText } from '../run-folder/metrics-reader.js';
import type { MetricsRecord } from '../run-folder/records.js';

/** What one {@link JsonlFollower.read} found. */
export interface FollowedChunk {
  /** The file was replaced or rewritten (a fresh run, a resume that trimmed it): reading restarted at 0. */
  reset: boolean;
  records: MetricsRecord[];
  /** Complete lines skipped: they hold no record (garbage, a kind this version does not know). */
  skipped: number;
  /** Byte offset after the last complete line read. */
  offset: number;
  /** More complete bytes are waiting (the read stopped at the chunk size). */
  more: boolean;
}

/** Largest read of one call: a long log is sent in pieces. */
export const FOLLOW_CHUNK_BYTES = 1024 * 1024;

/**
 * Follows a growing JSON-lines file: each read returns the complete lines appended since the
 * previous one, reading only the new bytes (from the last offset, plus the one byte before it to
 * check that the file is still the one being followed). An unfinished last line waits for its
 * newline; malformed lines are skipped. A file that shrank, was replaced (another inode) or no
 * longer has a line break where the last read ended is read again from the start, flagged `reset`.
 */
export class JsonlFollower {
  private ino?: number;

  constructor(
    readonly path: string,
    private offset = 0,
    private readonly chunkBytes = FOLLOW_CHUNK_BYTES,
  ) {}

  async read(): Promise<FollowedChunk> {
    const none = (reset: boolean): FollowedChunk => ({ reset, records: [], skipped: 0, offset: this.offset, more: false });
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(this.path);
    } catch {
      return none(false);
    }
    const reset = (this.ino !== undefined && st.ino !== this.ino) || st.size < this.offset;
    if (reset) this.offset = 0;
    this.ino = st.ino;
    if (st.size === this.offset) return none(reset);
    const from = Math.max(0, this.offset - 1);
    const length = Math.min(st.size - from, this.chunkBytes + 1);
    const handle = await open(this.path, 'r');
    let buf: Buffer;
    try {
      buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, from);
      buf = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    if (this.offset > 0 && buf[0] !== 0x0a) {
      // the byte before our offset is no longer a line break: the file was rewritten in place
      this.offset = 0;
      const again = await this.read();
      return { ...again, reset: true };
    }
    const body = this.offset > 0 ? buf.subarray(1) : buf;
    const lastBreak = body.lastIndexOf(0x0a);
    if (lastBreak < 0) {
      // no complete line yet; a single line longer than a chunk is skipped as malformed
      if (body.length < this.chunkBytes) return none(reset);
      this.offset += body.length;
      return { reset, records: [], skipped: 1, offset: this.offset, more: true };
    }
    const { records, skipped } = parseMetricsText(body.subarray(0, lastBreak).toString('utf8'));
    this.offset += lastBreak + 1;
    return { reset, records, skipped, offset: this.offset, more: this.offset < st.size && body.length >= this.chunkBytes };
  }
}
