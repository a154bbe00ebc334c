import { isCcBridgeError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { AgentScreen } from '../instance-runtime.ts';
import type { ContainerSettings } from '../runtime.ts';
import { fallbackTerminalSize, TerminalScreen } from '../terminal-screen.ts';

/** What ContainerScreens asks of the Engine (DockerRuntime's calls of the same names). */
export interface ContainerScreensPort {
  getContainerSettings(container: string): Promise<ContainerSettings | null>;
  followLogs(container: string, options: { tail: number; signal: AbortSignal }): Promise<AsyncIterable<string>>;
}

/**
 * How many lines of a container's log are drawn before what follows: enough for the whole of a
 * usual Claude Code session, whose differential redraws (a cursor moved to the cells that
 * changed) only read right on top of the screen they change. A longer log starts mid-way: rows
 * the program does not draw again may stay wrong until it redraws them.
 */
export const containerScreenReplayLines = 10_000;

/** One followed container: its screen (null: it has no TTY, so no screen), and how to stop following. */
interface Followed {
  screen: TerminalScreen | null;
  stop: AbortController;
  /** The log stream ended or broke (the container stopped, the Engine went away): dropped on the next read. */
  isEnded: boolean;
}

/**
 * The screens of running containers, for the screen rules: one headless terminal per container
 * (runtimes/terminal-screen.ts), of the size inspect gives (`HostConfig.ConsoleSize`, else the
 * 80×24 a program assumes on a 0×0 terminal; the container is never resized, which would change
 * what a person attached to it sees), fed by following the container's log (raw TTY output) from
 * its last `containerScreenReplayLines` lines on. A container without a TTY has no screen: its
 * output is two plain streams, not a terminal drawn in place.
 *
 * Containers are followed only while the `signal` passed to `read` lives (the live follower's);
 * when it fires, or a container is no longer passed in, or its log ends, its terminal is freed.
 * Memory is bounded: each terminal keeps its visible rows only.
 */
export class ContainerScreens {
  readonly #engine: ContainerScreensPort;
  readonly #logger: Logger;
  readonly #followed = new Map<string, Followed>();
  #signal: AbortSignal | null = null;

  constructor(engine: ContainerScreensPort, logger: Logger = silentLogger) {
    this.#engine = engine;
    this.#logger = logger;
  }

  /** How many containers are followed now (their terminals held). */
  get size(): number {
    return this.#followed.size;
  }

  /**
   * The screens of `containers` (id or name; `key`: what the answer is keyed by), starting to
   * follow those not yet followed. Null for a container without a TTY, one the Engine has not (or
   * not running), or one whose log could not be opened (tried again on the next read). Without a
   * live `signal`, nothing is followed and every screen is null. DOCKER_UNAVAILABLE is thrown.
   */
  async read(containers: readonly { key: string; container: string }[], signal?: AbortSignal): Promise<Map<string, AgentScreen | null>> {
    const screens = new Map<string, AgentScreen | null>(containers.map(({ key }) => [key, null]));
    // A read without a follower (a one-off probe) leaves the follower's terminals alone.
    if (signal === undefined) return screens;
    if (signal !== this.#signal) {
      this.#disposeAll();
      this.#signal = signal;
      signal.addEventListener(
        'abort',
        () => {
          if (this.#signal === signal) this.#disposeAll();
        },
        { once: true },
      );
    }
    if (signal.aborted) return screens;

    const wanted = new Set(containers.map(({ container }) => container));
    for (const [container, followed] of this.#followed) if (followed.isEnded || !wanted.has(container)) this.#dispose(container);
    const starts = [...wanted].filter((container) => !this.#followed.has(container)).map((container) => this.#follow(container, signal));
    const failures = (await Promise.allSettled(starts)).flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    const unavailable = failures.find((error) => isCcBridgeError(error, 'DOCKER_UNAVAILABLE'));
    if (unavailable !== undefined) throw unavailable;
    for (const error of failures) this.#logger.debug('container screen: following a container failed', { error: error instanceof Error ? error.message : String(error) });

    for (const { key, container } of containers) {
      const screen = this.#followed.get(container)?.screen ?? null;
      if (screen !== null) screens.set(key, { command: null, text: await screen.read() });
    }
    return screens;
  }

  async #follow(container: string, signal: AbortSignal): Promise<void> {
    const settings = await this.#engine.getContainerSettings(container);
    if (settings === null || !settings.isRunning || signal.aborted || this.#followed.has(container)) return;
    const stop = new AbortController();
    if (!settings.tty) {
      this.#followed.set(container, { screen: null, stop, isEnded: false });
      return;
    }
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let chunks: AsyncIterable<string>;
    try {
      chunks = await this.#engine.followLogs(container, { tail: containerScreenReplayLines, signal: stop.signal });
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      throw error;
    }
    const screen = new TerminalScreen(settings.consoleSize ?? fallbackTerminalSize);
    const followed: Followed = { screen, stop, isEnded: false };
    this.#followed.set(container, followed);
    void (async () => {
      try {
        for await (const chunk of chunks) screen.write(chunk);
      } catch (error) {
        if (!stop.signal.aborted) this.#logger.debug('container screen: the log stream broke', { container, error: error instanceof Error ? error.message : String(error) });
      } finally {
        signal.removeEventListener('abort', onAbort);
        followed.isEnded = true;
      }
    })();
  }

  #dispose(container: string): void {
    const followed = this.#followed.get(container);
    if (followed === undefined) return;
    this.#followed.delete(container);
    followed.stop.abort();
    followed.screen?.dispose();
  }

  #disposeAll(): void {
    for (const container of [...this.#followed.keys()]) this.#dispose(container);
  }
}
