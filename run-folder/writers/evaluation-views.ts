import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import { TOKENS } from '../../core/di/tokens.js';
import type { SubscriberContribution } from '../../core/plugin/plugin.js';
import { writeFileAtomic } from '../atomic-write.js';
import { VIEWS_DIR, type ViewFile, viewFileIteration, viewFileName } from '../layout.js';
import { runDirectory, viewsPath } from '../paths.js';
import { ViewHistory } from './view-history.js';

/** Significant digits of the numbers in a view file (a picture, not a result). */
const VIEW_DIGITS = 4;

const roundNumbers = (_key: string, v: unknown): unknown =>
  typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(VIEW_DIGITS)) : v;

/**
 * Writes the environment's view of each evaluation that carries one to the run folder's
 * {@link VIEWS_DIR} folder, one `<iteration>.json` each (atomically; numbers to 4 significant
 * digits), keeping the newest and a thinned history ({@link ViewHistory}). A fresh run starts with an empty folder; a run
 * resumed from a checkpoint at iteration k (which it does not repeat) drops the views after k, as
 * the JSONL logger drops the lines after k. Written at evaluation time only, never per iteration.
 * Subscribed before the JSONL logger, so an evaluation's view file exists by the time its line
 * appears in the metrics log. A failed write is reported once on stderr and ends the
 * writing of views, not the run.
 */
export const evaluationViewsSubscriber: SubscriberContribution = {
  name: 'evaluation-views',
  description: `runs/<name>/${VIEWS_DIR}/<iteration>.json: the environment's view at each evaluation (for gfn dashboard)`,
  attach: (resolve) => {
    const config = resolve.get(TOKENS.Config);
    const bus = resolve.get(TOKENS.EventBus);
    const dir = viewsPath(runDirectory(config));
    const history = new ViewHistory();
    let broken = false;
    const guarded = (what: string, action: () => void): void => {
      if (broken) return;
      try {
        action();
      } catch (err) {
        broken = true;
        process.stderr.write(`[gfn] evaluation views: ${what} in ${dir} failed (${(err as Error).message}); no more views are written for this run\n`);
      }
    };
    const subs = new Subscription();
    subs.add(
      bus.runStarted$.subscribe((e) =>
        guarded('clearing old views', () => {
          const start = e.startIteration ?? 0;
          if (start === 0) rmSync(dir, { recursive: true, force: true });
          else if (existsSync(dir)) {
            for (const name of readdirSync(dir)) if ((viewFileIteration(name) ?? -1) > start) rmSync(join(dir, name), { force: true });
          }
        }),
      ),
    );
    subs.add(
      bus.evaluation$.subscribe((e) => {
        if (!e.view) return;
        guarded('writing a view', () => {
          mkdirSync(dir, { recursive: true });
          const file: ViewFile = { iteration: e.iteration, method: e.method, view: e.view };
          writeFileAtomic(join(dir, viewFileName(e.iteration)), `${JSON.stringify(file, roundNumbers)}\n`);
          for (const old of history.add(e.iteration)) rmSync(join(dir, viewFileName(old)), { force: true });
        });
      }),
    );
    return subs;
  },
};
