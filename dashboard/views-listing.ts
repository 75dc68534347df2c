import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ViewFile, viewFileIteration, viewFileName } from '../run-folder/layout.js';

/** What `GET /api/views?run=` answers (`V`: the type of the views, as the page reads them). */
export interface ViewsListing<V = unknown> {
  /** Iterations whose views the run keeps, oldest first. */
  iterations: number[];
  /** The newest of them, read in the same request (absent when there is none). */
  latest?: ViewFile<V>;
}

/** Tries before giving up on the newest view: each one that vanished was replaced by a newer one meanwhile. */
const TRIES = 3;

/**
 * The views kept in a run's views folder, and the newest one's contents. A running run replaces
 * its newest view at each evaluation; a page that listed the views and then asked for the newest
 * file would find it gone whenever evaluations come faster than its two requests (a loaded
 * machine, frequent evaluations), and never show a view. Read here, in one request, the newest
 * is the one on disk; one removed between the listing and the reading is looked for again.
 */
export function listViews(viewsDir: string | undefined): ViewsListing {
  for (let attempt = 1; ; attempt++) {
    const iterations = (viewsDir ? readdirSync(viewsDir) : [])
      .map(viewFileIteration)
      .filter((i): i is number => i !== undefined)
      .sort((a, b) => a - b);
    const newest = iterations.at(-1);
    if (newest === undefined) return { iterations };
    try {
      return { iterations, latest: JSON.parse(readFileSync(join(viewsDir!, viewFileName(newest)), 'utf8')) as ViewFile };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= TRIES) return { iterations };
    }
  }
}
