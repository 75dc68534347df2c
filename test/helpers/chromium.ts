import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium (CI installs it), or the one CHROMIUM_PATH names. */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim());
  } catch {
    // not on the PATH
  }
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/**
 * The Chromium binary a browser test launches (through puppeteer-core's `executablePath`), or
 * undefined after printing why the test named `label` is skipped. CI sets GFN_REQUIRE_CHROMIUM:
 * there a missing browser is a failure, never a skip.
 */
export function chromiumFor(label: string): string | undefined {
  const chromium = findChromium();
  if (chromium) return chromium;
  const why = "no chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser and the PATH); install Debian's chromium to run it";
  if (process.env.GFN_REQUIRE_CHROMIUM) throw new Error(`${label}: ${why}`);
  console.warn(`[${label}] skipped: ${why}`);
  return undefined;
}
