/**
 * The self-description every data file gflownet-ts writes and reads back starts with: a format name
 * and a format version (`{"format":"gflownet-ts-checkpoint","version":2,…`). A reader checks both
 * before it trusts anything else in the file, and says in words what is wrong when they do not
 * match: another kind of file, or a file from a newer gflownet-ts. Portable (no file system, no
 * hashing): the hosts that read files pair it with their own checksum.
 */

/** What a versioned file declares about itself. */
interface FileHead {
  format: unknown;
  version: unknown;
}

/** What a reader accepts: one format, versions `oldest`..`newest`. */
export interface AcceptedFormat {
  /** The format name written in the file. */
  format: string;
  /** The oldest version still read. */
  oldest: number;
  /** The version this gflownet-ts writes (and the newest it reads). */
  newest: number;
  /** Names the kind of file in messages, e.g. "gflownet-ts checkpoint". */
  what: string;
}

// the writers put format and version first, so a file cut short or of a future layout still says what it is
const HEAD = /^\s*\{\s*"format"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"version"\s*:\s*(-?\d+(?:\.\d+)?)\s*[,}]/;

/** The format and version at the start of a JSON text, read without parsing the rest; undefined when it does not start that way. */
function peekFileHead(text: string): FileHead | undefined {
  const m = HEAD.exec(text.slice(0, 512));
  if (!m) return undefined;
  let format: unknown;
  try {
    format = JSON.parse(`"${m[1]}"`);
  } catch {
    return undefined;
  }
  return { format, version: Number(m[2]) };
}

/** Says what `text` is instead of the expected kind of file: JSON lines (a metrics log), a JSON document of another kind, binary data or other text. */
function describeForeignText(text: string): string {
  if (looksBinary(text)) return 'it holds binary data';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.slice(0, 3).every(isJsonObject)) return "it holds one JSON object per line (like a run's metrics.jsonl)";
    return 'it is not JSON';
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'it is JSON but not an object';
  const format = (doc as { format?: unknown }).format;
  if (format === undefined) return `it is a JSON object without a "format" field`;
  return `its "format" is ${JSON.stringify(format)}`;
}

/** Control characters other than whitespace, or bytes that are not UTF-8 (decoded as U+FFFD), near the start. */
function looksBinary(text: string): boolean {
  for (let i = 0; i < Math.min(text.length, 4096); i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) return true;
  }
  return false;
}

function isJsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Why a file is refused; `newer` when it comes from a newer gflownet-ts (a cache then leaves it in place for that version). */
export interface FileRefusal {
  problem: string;
  newer: boolean;
}

/**
 * The problem with a file's declared format and version, or undefined when `accepted` reads it.
 * `text` (the file's content) describes a file of another kind.
 */
function formatProblem(head: FileHead | undefined, accepted: AcceptedFormat, text: string): FileRefusal | undefined {
  if (head?.format !== accepted.format) return { problem: `is not a ${accepted.what}: ${describeForeignText(text)}`, newer: false };
  const { version } = head;
  const range = accepted.oldest === accepted.newest ? `version ${accepted.newest}` : `versions ${accepted.oldest} to ${accepted.newest}`;
  if (typeof version === 'number' && Number.isInteger(version) && version > accepted.newest)
    return { problem: `was written by a newer gflownet-ts (format version ${version}; this one reads ${range}): upgrade gflownet-ts to read it`, newer: true };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < accepted.oldest)
    return { problem: `has format version ${JSON.stringify(version)}, which no gflownet-ts writes (this one reads ${range})`, newer: false };
  return undefined;
}

/** Hooks of {@link readVersionedJson} for a format with more to check. */
export interface VersionedJsonChecks {
  /**
   * Why a text that does not parse is refused, or undefined for the default: truncated or damaged
   * when it starts like this format (`startsLikeIt`), else another kind of file.
   */
  unparsable?(text: string, startsLikeIt: boolean): string | undefined;
  /** A problem found in the parsed object before its format and version are checked (a checksum: a changed byte in the head is then corruption, not another kind of file). */
  verify?(doc: Record<string, unknown>): string | undefined;
}

/**
 * Parses a versioned JSON file's text and checks its format and version; a file of another kind,
 * of a newer version, or that does not parse is refused with what is wrong. A file that says it
 * is another kind, or a newer one, is refused before its body is parsed (a future layout may not
 * parse the same way).
 */
export function readVersionedJson(
  text: string,
  accepted: AcceptedFormat,
  checks: VersionedJsonChecks = {},
): { doc: Record<string, unknown>; version: number } | FileRefusal {
  const head = peekFileHead(text);
  const early = head && formatProblem(head, accepted, text);
  if (early) return early;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const damaged = checks.unparsable?.(text, head !== undefined) ?? (head ? 'is truncated or damaged: it is not complete JSON' : undefined);
    return damaged ? { problem: damaged, newer: false } : (formatProblem(undefined, accepted, text) as FileRefusal);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return formatProblem(undefined, accepted, text) as FileRefusal;
  const record = doc as Record<string, unknown>;
  const corrupt = checks.verify?.(record);
  if (corrupt) return { problem: corrupt, newer: false };
  return formatProblem({ format: record.format, version: record.version }, accepted, text) ?? { doc: record, version: record.version as number };
}
