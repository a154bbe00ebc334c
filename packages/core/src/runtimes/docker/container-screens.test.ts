import { describe, expect, it } from 'vitest';
import type { ContainerSettings } from '../runtime.ts';
import { ContainerScreens, containerScreenReplayLines, type ContainerScreensPort } from './container-screens.ts';

/** A log the test writes to, as followLogs yields it; ends when its signal fires. */
class FakeLog {
  readonly chunks: string[] = [];
  #wake: (() => void) | null = null;
  signal: AbortSignal | null = null;
  tail: number | null = null;
  #isEnded = false;

  /** Ends the stream, as the Engine does when the container stops. */
  end(): void {
    this.#isEnded = true;
    this.#wake?.();
  }

  hasEnded(): boolean {
    return this.#isEnded;
  }

  write(text: string): void {
    this.chunks.push(text);
    this.#wake?.();
  }

  async *stream(signal: AbortSignal): AsyncGenerator<string> {
    this.#isEnded = false;
    const onAbort = () => this.#wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (this.chunks.length > 0) yield this.chunks.shift() ?? '';
        if (signal.aborted || this.hasEnded()) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function settings(id: string, change: Partial<ContainerSettings> = {}): ContainerSettings {
  return { id, name: id, tty: true, consoleSize: null, openStdin: true, stopTimeoutSeconds: null, isRunning: true, ...change };
}

function fakeEngine(containers: Record<string, ContainerSettings>) {
  const logs = new Map<string, FakeLog>();
  const port: ContainerScreensPort = {
    getContainerSettings: (container) => Promise.resolve(containers[container] ?? null),
    followLogs: (container, { tail, signal }) => {
      const log = logs.get(container) ?? new FakeLog();
      logs.set(container, log);
      log.signal = signal;
      log.tail = tail;
      return Promise.resolve(log.stream(signal));
    },
  };
  return { port, logs };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('ContainerScreens', () => {
  it('follows a TTY container while the signal lives and draws its log at the console size', async () => {
    const { port, logs } = fakeEngine({ a: settings('a', { consoleSize: { columns: 20, rows: 4 } }) });
    const screens = new ContainerScreens(port);
    const live = new AbortController();
    const first = await screens.read([{ key: 'record-a', container: 'a' }], live.signal);
    expect(first.get('record-a')).toEqual({ command: null, text: '\n\n\n' });
    const log = logs.get('a');
    expect(log?.tail).toBe(containerScreenReplayLines);
    log?.write('hello\r\n\x1b[1mworld\x1b[0m and a line longer than twenty');
    await tick();
    expect((await screens.read([{ key: 'record-a', container: 'a' }], live.signal)).get('record-a')?.text).toBe('hello\nworld and a line lon\nger than twenty\n');
    expect(screens.size).toBe(1);

    live.abort();
    expect(screens.size).toBe(0);
    expect(log?.signal?.aborted).toBe(true);
  });

  it('gives a container without a TTY no screen, and reads nothing without a live signal', async () => {
    const { port, logs } = fakeEngine({ plain: settings('plain', { tty: false }), tty: settings('tty') });
    const screens = new ContainerScreens(port);
    expect(await screens.read([{ key: 'r', container: 'tty' }])).toEqual(new Map([['r', null]]));
    expect(logs.size).toBe(0);
    const live = new AbortController();
    const read = await screens.read([{ key: 'p', container: 'plain' }, { key: 'gone', container: 'missing' }], live.signal);
    expect(read).toEqual(new Map([['p', null], ['gone', null]]));
    expect(logs.size).toBe(0);
  });

  it('frees a container no longer passed in, and one whose log ended, and follows it anew', async () => {
    const { port, logs } = fakeEngine({ a: settings('a'), b: settings('b') });
    const screens = new ContainerScreens(port);
    const live = new AbortController();
    await screens.read([{ key: 'a', container: 'a' }, { key: 'b', container: 'b' }], live.signal);
    expect(screens.size).toBe(2);
    const firstB = logs.get('b')?.signal;
    await screens.read([{ key: 'a', container: 'a' }], live.signal);
    expect(screens.size).toBe(1);
    expect(firstB?.aborted).toBe(true);

    // A read without a signal (a one-off probe) reads nothing and leaves the terminals alone.
    expect(await screens.read([{ key: 'a', container: 'a' }])).toEqual(new Map([['a', null]]));
    expect(screens.size).toBe(1);

    // A new follower run (another signal) starts every terminal again; the old signal firing later frees nothing of it.
    const firstA = logs.get('a')?.signal;
    const next = new AbortController();
    await screens.read([{ key: 'a', container: 'a' }], next.signal);
    expect(firstA?.aborted).toBe(true);
    const secondA = logs.get('a')?.signal;
    expect(secondA?.aborted).toBe(false);
    live.abort();
    expect(screens.size).toBe(1);
    logs.get('a')?.write('again');
    await tick();
    expect((await screens.read([{ key: 'a', container: 'a' }], next.signal)).get('a')?.text.startsWith('again')).toBe(true);

    // The log ending (the container stopped) frees its terminal on the next read, which follows it anew.
    logs.get('a')?.end();
    await tick();
    await screens.read([{ key: 'a', container: 'a' }], next.signal);
    expect(logs.get('a')?.signal).not.toBe(secondA);
    expect(secondA?.aborted).toBe(true);
    expect(screens.size).toBe(1);
    next.abort();
    expect(screens.size).toBe(0);
  });
});
