// Token use read from Claude Code's transcript (`claudeTranscriptPath`, from its hooks): a JSONL
// file it appends to, one line per entry. An assistant entry carries the Messages API's usage at
// `message.usage`, beside `message.id`; a reply of several content blocks is written as one entry
// per block (`apiBlockIndex`), each repeating the same id and usage, so a message counts once.
//
// Computed on read, never stored: the transcript is the one source (a record holding copies would
// be written on every model call, and each write pushed to every open page). A reader keeps, per
// file, how far it has read and the sums so far; an unchanged file (size and mtime) costs one
// stat, a grown one only its new bytes.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { TokenUsage } from '../instance.ts';

export type { TokenUsage } from '../instance.ts';

/** No tokens yet. */
export const noTokens: TokenUsage = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };

/** `a + b`, field by field. */
export function addTokens(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { input: a.input + b.input, output: a.output + b.output, cacheCreation: a.cacheCreation + b.cacheCreation, cacheRead: a.cacheRead + b.cacheRead };
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

/**
 * The message id and usage of one transcript line, or null for any other line (a user entry, a
 * tool result, an attachment, a line that is not JSON, such as a half-written last one).
 */
export function usageOfTranscriptLine(line: string): { messageId: string | null; usage: TokenUsage } | null {
  // Most lines are not assistant entries, and some are large (request blobs): skip them unparsed.
  if (!line.includes('"usage"')) return null;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof entry !== 'object' || entry === null || (entry as { type?: unknown }).type !== 'assistant') return null;
  const message = (entry as { message?: unknown }).message;
  if (typeof message !== 'object' || message === null) return null;
  const { id, usage } = message as { id?: unknown; usage?: unknown };
  if (typeof usage !== 'object' || usage === null) return null;
  const raw = usage as Record<string, unknown>;
  return {
    messageId: typeof id === 'string' ? id : null,
    usage: {
      input: count(raw.input_tokens),
      output: count(raw.output_tokens),
      cacheCreation: count(raw.cache_creation_input_tokens),
      cacheRead: count(raw.cache_read_input_tokens),
    },
  };
}

/**
 * Sums over transcript lines, fed in order. The lines of one message follow each other, so only
 * the last message is held back (its later lines replace its usage): memory stays constant
 * however long the transcript.
 */
export class UsageTally {
  #committed: TokenUsage = noTokens;
  #last: { messageId: string | null; usage: TokenUsage } | null = null;

  add(line: string): void {
    const found = usageOfTranscriptLine(line);
    if (found === null) return;
    if (this.#last !== null && (found.messageId === null || found.messageId !== this.#last.messageId)) {
      this.#committed = addTokens(this.#committed, this.#last.usage);
    }
    this.#last = found;
  }

  get total(): TokenUsage {
    return this.#last === null ? this.#committed : addTokens(this.#committed, this.#last.usage);
  }
}

interface FileState {
  ino: number;
  size: number;
  mtimeMs: number;
  /** Bytes read up to the end of the last complete line. */
  offset: number;
  tally: UsageTally;
}

const newline = 0x0a;

/**
 * Reads `path` from `state.offset` to its end in chunks, feeding every complete line to the
 * tally and moving the offset past it; a last line without its newline (Claude Code is writing
 * it) is left for the next read. Holds at most one chunk and the longest line in memory.
 */
async function readNewLines(path: string, state: FileState): Promise<void> {
  const stream = createReadStream(path, { start: state.offset });
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    let end = data.indexOf(newline);
    while (end !== -1) {
      state.tally.add(data.toString('utf8', 0, end));
      state.offset += end + 1;
      data = data.subarray(end + 1);
      end = data.indexOf(newline);
    }
    rest = Buffer.from(data);
  }
}

/**
 * Token use per transcript file, cached by file (inode, size, mtime): an unchanged file is not
 * read again, a grown one is read from where the last read stopped, a replaced or shrunk one from
 * its start. Keeps at most `maxFiles` files (the oldest read is forgotten first).
 */
export class TranscriptUsageReader {
  readonly #files = new Map<string, FileState>();
  /** Reads under way: a second caller shares one, so a file's state is never read twice at once. */
  readonly #reading = new Map<string, Promise<TokenUsage | null>>();
  readonly #maxFiles: number;

  constructor(options: { maxFiles?: number } = {}) {
    this.#maxFiles = options.maxFiles ?? 2_000;
  }

  /**
   * The tokens the transcript at `path` records: input, output, cache creation and cache read,
   * each summed over its assistant messages (each message once). Null when there is no path, it
   * is not an absolute `.jsonl` path, or the file cannot be read (not there yet, removed, no
   * permission): token use is then unknown, never zero by mistake.
   */
  read(path: string | null): Promise<TokenUsage | null> {
    if (path === null || !isAbsolute(path) || !path.endsWith('.jsonl')) return Promise.resolve(null);
    const running = this.#reading.get(path);
    if (running !== undefined) return running;
    const reading = this.#readFile(path).finally(() => this.#reading.delete(path));
    this.#reading.set(path, reading);
    return reading;
  }

  async #readFile(path: string): Promise<TokenUsage | null> {
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      let state = this.#files.get(path);
      if (state !== undefined && state.ino === info.ino && state.size === info.size && state.mtimeMs === info.mtimeMs) return state.tally.total;
      if (state === undefined || state.ino !== info.ino || info.size < state.offset) {
        state = { ino: info.ino, size: 0, mtimeMs: 0, offset: 0, tally: new UsageTally() };
      }
      await readNewLines(path, state);
      state.size = info.size;
      state.mtimeMs = info.mtimeMs;
      this.#remember(path, state);
      return state.tally.total;
    } catch {
      this.#files.delete(path);
      return null;
    }
  }

  /** The sums of every record's transcript, and how many had one that could be read. */
  async total(paths: readonly (string | null)[]): Promise<{ tokens: TokenUsage; transcripts: number }> {
    let tokens = noTokens;
    let transcripts = 0;
    // One at a time: a stat each when nothing changed, and never many files open at once.
    for (const path of new Set(paths)) {
      const usage = await this.read(path);
      if (usage === null) continue;
      tokens = addTokens(tokens, usage);
      transcripts += 1;
    }
    return { tokens, transcripts };
  }

  #remember(path: string, state: FileState): void {
    this.#files.delete(path);
    this.#files.set(path, state);
    if (this.#files.size > this.#maxFiles) {
      const oldest = this.#files.keys().next();
      if (!oldest.done) this.#files.delete(oldest.value);
    }
  }
}
