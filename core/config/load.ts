import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { applyOverrides } from './overrides.js';

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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`config ${path} must be a JSON object`);
  const withName = { name: basename(path, extname(path)), ...(raw as Record<string, unknown>) };
  return applyOverrides(withName, overrides);
}
