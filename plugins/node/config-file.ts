import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseRawConfig } from '../../core/config/load.js';

/**
 * Reads a JSON config file and applies `--set` overrides. The run name defaults to the file's
 * base name. Validation happens later, once the plugins the config lists are loaded.
 */
export function readRawConfig(path: string, overrides: readonly string[] = []): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return parseRawConfig(text, path, basename(path, extname(path)), overrides);
}
