import { applyOverrides } from './overrides.js';

/**
 * Parses the text of a JSON config and applies `--set` overrides; `source` names it in errors and
 * `defaultName` is the run name when the config has none. Validation happens later, once the
 * plugins the config lists are loaded. Reading the file is the host's part (`readRawConfig`).
 */
export function parseRawConfig(text: string, source: string, defaultName: string, overrides: readonly string[] = []): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`config ${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`config ${source} must be a JSON object`);
  const withName = { name: defaultName, ...(raw as Record<string, unknown>) };
  return applyOverrides(withName, overrides);
}
