// `cc-bridge instances watch`: the list as a live table. Loaded with import() by the command's
// action, so `--help` never loads it (nor ansi-escapes).
import type { ListInstancesQuery, ListInstancesResult, LiveState } from '@cc-bridge/core';
import ansiEscapes from 'ansi-escapes';
import type { CcBridge } from './bridge.ts';
import { createCoalescer } from './coalesce.ts';
import { type ScreenSize, type WatchView, watchScreenLines } from './watch-screen.ts';

/** Re-reads of the list start at least this far apart (ms): a burst of changes is one redraw. */
export const redrawIntervalMs = 100;

/**
 * The ages in LAST SEEN move with the clock, and the tmux probe moves `lastSeenAt` without a
 * change notification (see ARCHITECTURE.md): the list is re-read this often (ms) regardless.
 */
export const ageRefreshMs = 30_000;

/** The process's streams as `watch` uses them: a terminal, or a pipe or file. */
export interface WatchStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

/** Keys that end the watch when stdin is a terminal in raw mode: q, Q, Ctrl-C (byte 3). */
const quitKeys = ['q', 'Q', '\u0003'];

/** Signals that end the watch as cleanly as `q` does (exit 0). */
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Shows the instances `query` matches until `q`, Ctrl-C, SIGINT, SIGTERM or SIGHUP, re-reading on
 * every change of the registry (`bridge.watchChanges`, any process) at most every
 * `redrawIntervalMs`, while `bridge.live` keeps statuses in step with tmux and Docker.
 *
 * On a terminal (stdout a TTY): the alternate screen, redrawn in one synchronized write, restored
 * on every way out (a failure included); keys are read in raw mode when stdin is a terminal too.
 * To a pipe or a file: one snapshot (header and table) per change (the first when the feed
 * connects), a blank line between them.
 * Resolves when stopped; rejects with the first failure to read the list.
 */
export async function watchInstances(bridge: CcBridge, query: ListInstancesQuery, streams: WatchStreams): Promise<void> {
  const { input, output } = streams;
  const isScreen = output.isTTY;
  const readsKeys = input.isTTY;
  const stop = new AbortController();
  let failure: unknown = null;
  const view: WatchView = { result: null, lastChangeAt: null, startedAt: new Date(), live: bridge.live.state, now: new Date() };

  const draw = () => {
    view.now = new Date();
    if (!isScreen) {
      output.write(`${watchScreenLines(view, null).join('\n')}\n\n`);
      return;
    }
    const size: ScreenSize = { columns: output.columns, rows: output.rows };
    const lines = watchScreenLines(view, size, readsKeys ? 'q quits' : null);
    // Over the old screen line by line, then the rest erased: nothing is blank between two frames.
    const frame = ansiEscapes.cursorTo(0, 0) + lines.map((line) => line + ansiEscapes.eraseEndLine).join('\n') + ansiEscapes.eraseDown;
    output.write(ansiEscapes.synchronizedOutput(frame));
  };

  // Whether a change of the feed is still to be shown: to a pipe, the 30 s re-read alone prints nothing.
  let isChangeUnshown = false;
  const reader = createCoalescer(
    async () => {
      const isForChange = isChangeUnshown;
      isChangeUnshown = false;
      const result: ListInstancesResult = await bridge.manager.listInstances(query);
      if (stop.signal.aborted) return;
      view.result = result;
      if (isScreen || isForChange) draw();
    },
    {
      minIntervalMs: redrawIntervalMs,
      onError: (error) => {
        failure ??= error;
        stop.abort();
      },
    },
  );

  const onKey = (chunk: Buffer | string) => {
    const text = chunk.toString();
    if (quitKeys.some((key) => text.includes(key))) stop.abort();
  };
  const onSignal = () => stop.abort();
  const onResize = () => draw();
  let isRestored = false;
  const restore = () => {
    if (isRestored) return;
    isRestored = true;
    if (readsKeys) {
      input.setRawMode(false);
      input.off('data', onKey);
      input.pause();
    }
    if (isScreen) output.write(ansiEscapes.cursorShow + ansiEscapes.exitAlternativeScreen);
  };

  for (const signal of stopSignals) process.on(signal, onSignal);
  // Whatever ends the process (an uncaught error elsewhere), the terminal is given back.
  process.once('exit', restore);
  if (isScreen) {
    output.write(ansiEscapes.enterAlternativeScreen + ansiEscapes.cursorHide);
    output.on('resize', onResize);
    draw();
  }
  if (readsKeys) {
    input.setRawMode(true);
    input.on('data', onKey);
    input.resume();
  }
  const unsubscribe = bridge.live.subscribe((state: LiveState) => {
    view.live = state;
    if (isScreen) draw();
  });
  const ticker = setInterval(() => reader.request(), ageRefreshMs);
  try {
    // The first item (`connected`) comes once the feed listens: the first read follows it, so no
    // change falls between that read and the feed.
    for await (const change of bridge.watchChanges({ signal: stop.signal })) {
      if (!change.all || change.reason !== 'connected') view.lastChangeAt = new Date();
      isChangeUnshown = true;
      reader.request();
    }
  } finally {
    clearInterval(ticker);
    unsubscribe();
    reader.stop();
    await reader.idle();
    for (const signal of stopSignals) process.off(signal, onSignal);
    output.off('resize', onResize);
    restore();
    process.off('exit', restore);
  }
  if (failure !== null) throw failure instanceof Error ? failure : new Error('reading the list failed', { cause: failure });
}
