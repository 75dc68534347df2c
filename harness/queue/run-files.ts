import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { writeFileAtomic } from '../../run-folder/atomic-write.js';
import { CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE } from '../../run-folder/layout.js';

/**
 * The files of a run that travel from a worker to the coordinator (and to a worker that takes a
 * run over). The checkpoint comes first: it is read before the log, so that the log read after it
 * holds at least every line up to the checkpoint's iteration (the trainer appends those lines
 * before it writes the checkpoint).
 */
export const RUN_FILES = [CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE] as const;

/** Hash field that, instead of the contents, names a shared folder holding the run's files. */
const DIR_FIELD = '@dir';

/** What a worker found when it fetched a run's files. */
export interface FetchedRun {
  /** Where the files were: in Redis, in a shared folder, or nowhere (a run never started). */
  from: 'redis' | 'dir' | 'none';
  files: string[];
}

/**
 * Where the files of queued runs live: one Redis hash per job (`gfn-bench:files:<job id>`), whose
 * fields are the files' contents, or, for a worker started with `--results <shared dir>`, a single
 * field naming the folder on that shared file system. Writes of a hash are atomic (one HSET), so a
 * reader sees the files of one moment.
 */
export class RunFileStore {
  constructor(private readonly redis: Redis) {}

  private key(jobId: string): string {
    return `gfn-bench:files:${jobId}`;
  }

  /** Publishes the files in `runDir`: their contents, or (`shared`) the folder's path. */
  async save(jobId: string, runDir: string, shared: boolean): Promise<void> {
    const key = this.key(jobId);
    if (shared) {
      await this.redis.multi().del(key).hset(key, DIR_FIELD, runDir).exec();
      return;
    }
    const fields: Record<string, string> = {};
    for (const f of RUN_FILES) {
      const path = join(runDir, f);
      if (existsSync(path)) fields[f] = readFileSync(path, 'utf8');
    }
    await this.redis.multi().del(key).hset(key, fields).exec();
  }

  /**
   * Copies the run's published files into `runDir` (created when missing). A shared folder that
   * cannot be seen from here is an error naming it: mount it at the same path on every machine.
   */
  async fetch(jobId: string, runDir: string): Promise<FetchedRun> {
    const stored = await this.redis.hgetall(this.key(jobId));
    const dir = stored[DIR_FIELD];
    if (dir !== undefined) {
      if (!existsSync(dir))
        throw new Error(`the files of job ${jobId} are in ${dir}, a shared folder this machine does not see (mount it at the same path here)`);
      const files = RUN_FILES.filter((f) => existsSync(join(dir, f)));
      if (dir !== runDir) {
        mkdirSync(runDir, { recursive: true });
        for (const f of files) cpSync(join(dir, f), join(runDir, f));
      }
      return { from: 'dir', files };
    }
    const files = RUN_FILES.filter((f) => stored[f] !== undefined);
    if (files.length === 0) return { from: 'none', files };
    mkdirSync(runDir, { recursive: true });
    for (const f of files) writeFileAtomic(join(runDir, f), stored[f]!);
    return { from: 'redis', files };
  }

  /** Forgets the run's files (a retried run starts afresh); a shared folder is emptied too. */
  async clear(jobId: string): Promise<void> {
    const dir = await this.redis.hget(this.key(jobId), DIR_FIELD);
    if (dir) rmSync(dir, { recursive: true, force: true });
    await this.redis.del(this.key(jobId));
  }
}
