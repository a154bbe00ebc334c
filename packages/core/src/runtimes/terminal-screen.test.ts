import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readClaudeScreen } from '../activity/screen-rules.ts';
import { TerminalScreen } from './terminal-screen.ts';

// A real Claude Code 2.1.328 session as `docker logs` gave it: claude in a busybox container with
// a TTY (80×24 by the program's fallback: the container had no ConsoleSize), typed into through an
// attach; the JSON names the log's length (bytes) at moments its state was known.
const fixtures = new URL('../../test/fixtures/claude-screens/2.1.328/', import.meta.url);
const session = readFileSync(new URL('container-tty-session.bin', fixtures));
const moments = JSON.parse(readFileSync(new URL('container-tty-session.json', fixtures), 'utf8')) as { name: string; bytes: number; activity: string }[];

/** Draws `bytes` through a fresh 80×24 terminal in chunks of `chunk` bytes, decoded as a stream (a character may be split). */
async function render(bytes: Uint8Array, chunk: number): Promise<string> {
  const screen = new TerminalScreen({ columns: 80, rows: 24 });
  const decoder = new TextDecoder();
  for (let at = 0; at < bytes.length; at += chunk) screen.write(decoder.decode(bytes.subarray(at, at + chunk), { stream: true }));
  screen.write(decoder.decode());
  const text = await screen.read();
  screen.dispose();
  return text;
}

describe('TerminalScreen', () => {
  it.each(moments)('draws the recorded container log up to "$name" into a screen the rules read as $activity', async ({ bytes, activity }) => {
    const text = await render(session.subarray(0, bytes), 977);
    expect(text.split('\n')).toHaveLength(24);
    expect(readClaudeScreen(text).activity).toBe(activity);
  });

  it('reads the permission dialog with its command and choices', async () => {
    const waiting = moments.find((moment) => moment.activity === 'waiting');
    const reading = readClaudeScreen(await render(session.subarray(0, waiting?.bytes), 4096));
    expect(reading.reason).toBe('Bash: rm -f old.log — Do you want to proceed?');
    expect(reading.choices.map((choice) => [choice.key, choice.label, choice.isSelected])).toEqual([
      ['1', 'Yes', true],
      ['2', 'Yes, and always allow access to /work from this project', false],
      ['3', 'No', false],
    ]);
  });

  it('keeps only the visible rows: what scrolled off the top is gone', async () => {
    const screen = new TerminalScreen({ columns: 10, rows: 3 });
    screen.write('one\r\ntwo\r\nthree\r\nfour');
    expect(await screen.read()).toBe('two\nthree\nfour');
    screen.write('\x1b[2J\x1b[Hcleared');
    expect(await screen.read()).toBe('cleared\n\n');
    screen.dispose();
    screen.write('late');
    expect(await screen.read()).toBe('');
  });
});
