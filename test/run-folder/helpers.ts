import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import { EventBus } from '../../core/events/bus.js';
import type { Resolver } from '../../core/plugin/plugin.js';
import { jsonlSubscriber } from '../../run-folder/writers/jsonl.js';
import { smallConfig } from '../training/run-helpers.js';

/** The JSONL logger of a run named `name` under `root`, attached to a fresh bus (`subscription` detaches it). */
export function attachJsonl(root: string, name: string): { bus: EventBus; config: ResolvedConfig; dir: string; subscription: Subscription } {
  const config = smallConfig({ name, logging: { dir: root, progress: 'none' } });
  const bus = new EventBus();
  const services = new Map<symbol, unknown>([
    [TOKENS.Config, config],
    [TOKENS.EventBus, bus],
  ]);
  const resolve: Resolver = { get: <T>(token: symbol) => services.get(token) as T };
  const subscription = jsonlSubscriber.attach(resolve) as Subscription;
  return { bus, config, dir: join(root, name), subscription };
}
