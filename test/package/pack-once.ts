import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive } from '../../harness/queue/scratch.js';

/** What `npm pack --json` reports about the tarball. */
export interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

const repo = resolve(import.meta.dirname, '../..');
const WAIT_MS = 600_000;

const PACK_PREFIX = 'gflownet-ts-pack-';

/**
 * The folder where the forks of the vitest process `vitestPid` share the tarball; the global
 * teardown (`test/global-setup.ts`) removes it when the run ends.
 */
export function packFolder(vitestPid: number): string {
  return join(tmpdir(), `${PACK_PREFIX}${vitestPid}`);
}

/** Removes the pack folders of test runs that were killed before their teardown (their process is gone). */
function removeStalePackFolders(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(PACK_PREFIX.length));
    if (name.startsWith(PACK_PREFIX) && Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * Packs the project once per test run (`npm pack` builds dist/ through `prepare`: about a minute)
 * and shares the tarball between the test files that install it, which run in parallel forks of
 * one vitest process: the first to take the lock packs (and first removes the folders of earlier
 * runs that were killed), the others wait for its report.
 */
export function packOnce(): { tarball: string; report: PackReport } {
  const dir = packFolder(process.ppid);
  const reportPath = join(dir, 'report.json');
  mkdirSync(dir, { recursive: true });
  let owner = false;
  try {
    mkdirSync(join(dir, 'lock'));
    owner = true;
  } catch {
    // another test file is packing
  }
  if (owner) {
    removeStalePackFolders();
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    // npm prints the scripts' output before the JSON report
    const [report] = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as PackReport[];
    writeFileSync(`${reportPath}.tmp`, JSON.stringify(report));
    renameSync(`${reportPath}.tmp`, reportPath);
  }
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(reportPath)) {
    if (Date.now() > deadline) throw new Error(`packOnce: no tarball in ${dir} after ${WAIT_MS / 1000} s`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as PackReport;
  return { tarball: join(dir, report.filename), report };
}

/** A project with the packed tarball installed, and what npm printed while installing it. */
export interface InstalledPackage {
  project: string;
  report: PackReport;
  /** npm's stdout and stderr (its warnings, e.g. EBADENGINE, go to stderr). */
  installLog: string;
}

/**
 * An empty project (a fresh temporary folder) with the packed tarball installed, as a user gets
 * it: the npm cache is warm after the repository's own install (--prefer-offline); optional
 * dependencies are left out and install scripts skipped, because @tensorflow/tfjs-node's would
 * download a TensorFlow binary. Returns the project's folder (the caller removes it) and npm's output.
 */
export function installPacked(prefix: string): InstalledPackage {
  const { tarball, report } = packOnce();
  const project = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const npm = spawnSync('npm', ['install', '--prefer-offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', tarball], {
    cwd: project,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const installLog = `${npm.stdout}${npm.stderr}`;
  if (npm.status !== 0) throw new Error(`npm install ${tarball} in ${project} failed (${npm.error?.message ?? `exit ${npm.status}`}):\n${installLog}`);
  return { project, report, installLog };
}
