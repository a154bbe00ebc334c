import { appendFile, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranscriptUsageReader, UsageTally, usageOfTranscriptLine } from './transcript-usage.ts';

// Shaped as Claude Code 2.1.328 writes them (fields trimmed): one assistant entry per content
// block, each with the message's id and usage.
function assistant(id: string, usage: Record<string, number>, block = 0): string {
  return JSON.stringify({
    parentUuid: 'p',
    isSidechain: false,
    message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'x' }], usage: { ...usage, service_tier: 'standard', cache_creation: { ephemeral_1h_input_tokens: 0 } } },
    apiBlockIndex: block,
    type: 'assistant',
    uuid: `u-${id}-${block}`,
  });
}
const user = JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' }, uuid: 'u1' });
const blob = JSON.stringify({ type: 'api-request-blob', message: { role: 'user', content: 'mentions "usage" in text' } });
const first = assistant('msg_1', { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000 });
const second = assistant('msg_2', { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: 11, cache_read_input_tokens: 13 });

describe('usageOfTranscriptLine', () => {
  it('reads the id and the four counts of an assistant entry', () => {
    expect(usageOfTranscriptLine(first)).toEqual({ messageId: 'msg_1', usage: { input: 100, output: 20, cacheCreation: 300, cacheRead: 4000 } });
  });

  it('ignores other entries, broken JSON and a half-written line', () => {
    expect(usageOfTranscriptLine(user)).toBeNull();
    expect(usageOfTranscriptLine(blob)).toBeNull();
    expect(usageOfTranscriptLine(first.slice(0, first.length - 10))).toBeNull();
    expect(usageOfTranscriptLine('')).toBeNull();
  });

  it('counts a missing or odd count as zero', () => {
    const line = JSON.stringify({ type: 'assistant', message: { id: 'm', usage: { input_tokens: 5, output_tokens: -1, cache_read_input_tokens: 'x' } } });
    expect(usageOfTranscriptLine(line)?.usage).toEqual({ input: 5, output: 0, cacheCreation: 0, cacheRead: 0 });
  });
});

describe('UsageTally', () => {
  it('counts a message of several blocks once, with its last usage', () => {
    const tally = new UsageTally();
    for (const line of [user, assistant('msg_a', { input_tokens: 10, output_tokens: 1 }, 0), assistant('msg_a', { input_tokens: 10, output_tokens: 40 }, 1), user, second]) tally.add(line);
    expect(tally.total).toEqual({ input: 17, output: 43, cacheCreation: 11, cacheRead: 13 });
  });

  it('is zero for a transcript without model replies', () => {
    const tally = new UsageTally();
    tally.add(user);
    expect(tally.total).toEqual({ input: 0, output: 0, cacheCreation: 0, cacheRead: 0 });
  });
});

describe('TranscriptUsageReader', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-bridge-usage-'));
    path = join(dir, 'session.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sums a transcript and reads only what was appended since', async () => {
    const reader = new TranscriptUsageReader();
    await writeFile(path, `${user}\n${first}\n`);
    expect(await reader.read(path)).toEqual({ input: 100, output: 20, cacheCreation: 300, cacheRead: 4000 });
    await appendFile(path, `${user}\n${second}\n`);
    expect(await reader.read(path)).toEqual({ input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 });
  });

  it('leaves a half-written last line for the next read', async () => {
    const reader = new TranscriptUsageReader();
    const cut = 30;
    await writeFile(path, `${first}\n${second.slice(0, cut)}`);
    expect(await reader.read(path)).toEqual({ input: 100, output: 20, cacheCreation: 300, cacheRead: 4000 });
    await appendFile(path, `${second.slice(cut)}\n`);
    expect(await reader.read(path)).toEqual({ input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 });
  });

  it('does not read a file again while its size and mtime are unchanged', async () => {
    const reader = new TranscriptUsageReader();
    await writeFile(path, `${first}\n`);
    const before = await stat(path);
    expect((await reader.read(path))?.input).toBe(100);
    // Same length, other counts, the old mtime put back: the cached sums stand.
    await writeFile(path, `${first.replace('"input_tokens":100', '"input_tokens":900')}\n`);
    await utimes(path, before.atime, before.mtime);
    expect((await reader.read(path))?.input).toBe(100);
    // A fresh reader has no cache: the file really says 900.
    expect((await new TranscriptUsageReader().read(path))?.input).toBe(900);
  });

  it('starts again when the file was replaced by a shorter one', async () => {
    const reader = new TranscriptUsageReader();
    await writeFile(path, `${first}\n${second}\n`);
    expect((await reader.read(path))?.input).toBe(107);
    await writeFile(path, `${second}\n`);
    expect((await reader.read(path))?.input).toBe(7);
  });

  it('is null without a readable absolute .jsonl path', async () => {
    const reader = new TranscriptUsageReader();
    expect(await reader.read(null)).toBeNull();
    expect(await reader.read(join(dir, 'missing.jsonl'))).toBeNull();
    expect(await reader.read('relative/session.jsonl')).toBeNull();
    await writeFile(join(dir, 'notes.txt'), `${first}\n`);
    expect(await reader.read(join(dir, 'notes.txt'))).toBeNull();
  });

  it('totals several transcripts, each path once, counting those it could read', async () => {
    const reader = new TranscriptUsageReader();
    const other = join(dir, 'other.jsonl');
    await writeFile(path, `${first}\n`);
    await writeFile(other, `${second}\n`);
    expect(await reader.total([path, other, path, null, join(dir, 'gone.jsonl')])).toEqual({
      tokens: { input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 },
      transcripts: 2,
    });
  });

  it('shares one read between callers asking at once', async () => {
    const reader = new TranscriptUsageReader();
    await writeFile(path, `${first}\n`);
    const [a, b] = await Promise.all([reader.read(path), reader.read(path)]);
    expect(a).toEqual(b);
    expect(a?.input).toBe(100);
  });
});
