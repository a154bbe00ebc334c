import { serializeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RefreshReport } from '../reports.ts';
import type { ContainerChange } from '../runtimes/instance-runtime.ts';
import type { RuntimeKey } from '../runtimes/runtimes.ts';
import type { ContainerChangesReport, Reachability } from './live-registry.ts';
import { defaultBackoff, followWithReconnect, type BackoffOptions } from './reconnect.ts';

/** What the follower needs of the registry; InstanceManager has it (see live-registry.ts for each call). */
export interface LiveRegistryPort {
  readonly isDockerEnabled: boolean;
  /** The Docker hosts' runtime keys (`docker`, `docker:NAME`…), one event stream each; default `['docker']`. */
  readonly dockerRuntimeKeys?: readonly RuntimeKey[];
  followContainerChanges(signal: AbortSignal, key: RuntimeKey): Promise<AsyncIterable<ContainerChange>>;
  applyContainerChanges(changes: readonly ContainerChange[]): Promise<ContainerChangesReport>;
  refreshRuntime(key: RuntimeKey): Promise<RefreshReport>;
  recordRuntimeReachability(key: RuntimeKey, reachability: Reachability): Promise<boolean>;
  /** Applies the hook reports waiting in the spool folder (agent activity). */
  applyHookReports(): Promise<unknown>;
  /** Calls `onReport` when a hook report arrives, until `signal` aborts. */
  watchHookReports(signal: AbortSignal, onReport: () => void): void;
  /**
   * Reads the running instances' screens into their activity (the source for agents without
   * hooks); containers' screens are followed until `signal` fires.
   */
  probeScreens(options: { signal: AbortSignal }): Promise<unknown>;
}

/**
 * What the follower is doing, per runtime. Docker: `off` (nobody subscribed), `disabled` (Docker
 * is off in the configuration), `connecting`, `following` (the Engine's event stream is open),
 * `unreachable` (it cannot be reached; trying again with backoff); with several Docker hosts, the
 * worst of theirs (unreachable, then connecting, then following). tmux: `off`, `probing`,
 * `unreachable` (its last probe failed).
 */
export interface LiveState {
  docker: 'off' | 'disabled' | 'connecting' | 'following' | 'unreachable';
  tmux: 'off' | 'probing' | 'unreachable';
}

export type LiveListener = (state: LiveState) => void;

export interface LiveFollowerOptions {
  registry: LiveRegistryPort;
  logger: Logger;
  /** How long (ms) changes are gathered after the first of a burst before they are applied; default 50. */
  debounceMs?: number;
  /** How often (ms) tmux is probed while someone subscribes; default 2,000. */
  tmuxProbeMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

/**
 * Keeps the registry in step with the runtimes while someone watches (a dashboard page, `cc-bridge
 * instances watch`), one per process. The first subscriber starts it, the last one leaving stops
 * it: an idle process follows nothing and probes nothing.
 *
 * Docker: one GET /events stream, reconnected with backoff; each connection first closes the gap
 * (discovery and one refresh of every Docker record), then each burst of container changes
 * (gathered for `debounceMs`) is applied at once. When the Engine cannot be reached, one
 * `runtime_unreachable` event is written and its records read `unknown` by the outage rule; when
 * it answers again, one `runtime_reachable` event and one refresh.
 * tmux, which has no events: one batched probe (`list-panes -a`) every `tmuxProbeMs`, then one
 * reading of the running instances' screens (their agents' activity, registry/screens.ts): tmux
 * panes, and the headless terminals of running containers, which live until this follower stops.
 * Agent activity: the hook reports' spool folder is watched, and drained when a report arrives
 * (and with every tmux probe, in case the watch missed one), one drain at a time.
 * Registry work runs one piece at a time per runtime; its failures are logged, never thrown.
 */
export class LiveFollower {
  readonly #registry: LiveRegistryPort;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  readonly #tmuxProbeMs: number;
  readonly #backoff: BackoffOptions;
  readonly #random: (() => number) | undefined;
  readonly #listeners = new Map<symbol, LiveListener | undefined>();
  #state: LiveState = { docker: 'off', tmux: 'off' };
  #stop: AbortController | null = null;
  #dockerLoop: Promise<unknown> = Promise.resolve();
  /** Each Docker host's own state, by runtime key; `#state.docker` is the worst of them. */
  readonly #dockerHostStates = new Map<RuntimeKey, 'connecting' | 'following' | 'unreachable'>();
  #dockerLane: Promise<void> = Promise.resolve();
  #pending: ContainerChange[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #isFlushQueued = false;
  #tmuxTimer: ReturnType<typeof setTimeout> | null = null;
  #tmuxProbe: Promise<void> = Promise.resolve();
  /** What this follower last wrote or confirmed of tmux's reachability; null: not yet this run. */
  #isTmuxReachable: boolean | null = null;
  #hookDrain: Promise<void> = Promise.resolve();
  #isHookDrainQueued = false;

  constructor(options: LiveFollowerOptions) {
    this.#registry = options.registry;
    this.#logger = options.logger;
    this.#debounceMs = options.debounceMs ?? 50;
    this.#tmuxProbeMs = options.tmuxProbeMs ?? 2_000;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#random = options.random;
  }

  /** How many subscriptions are open. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  get state(): LiveState {
    return { ...this.#state };
  }

  /**
   * Follows the runtimes until the returned function is called (once is enough; more is harmless).
   * `listener`, if given, hears every change of `state`.
   */
  subscribe(listener?: LiveListener): () => void {
    const key = Symbol('subscription');
    this.#listeners.set(key, listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (!this.#listeners.delete(key)) return;
      if (this.#listeners.size === 0) this.#halt();
    };
  }

  /** Stops following (as if everyone unsubscribed) and waits for registry work under way. */
  async close(): Promise<void> {
    this.#listeners.clear();
    this.#halt();
    await this.#dockerLoop;
    await this.idle();
  }

  /** Resolves once no registry work is queued or under way (changes still being gathered included). */
  async idle(): Promise<void> {
    for (;;) {
      const lane = this.#dockerLane;
      const probe = this.#tmuxProbe;
      const hooks = this.#hookDrain;
      await Promise.all([lane, probe, hooks]);
      if (lane === this.#dockerLane && probe === this.#tmuxProbe && hooks === this.#hookDrain && this.#flushTimer === null) return;
      if (this.#flushTimer !== null) await new Promise((resolve) => setTimeout(resolve, this.#debounceMs));
    }
  }

  #start(): void {
    const stop = new AbortController();
    this.#stop = stop;
    this.#isTmuxReachable = null;
    this.#setState({ docker: this.#registry.isDockerEnabled ? 'connecting' : 'disabled', tmux: 'probing' });
    if (this.#registry.isDockerEnabled) {
      const keys = this.#registry.dockerRuntimeKeys ?? ['docker'];
      this.#dockerHostStates.clear();
      for (const key of keys) this.#dockerHostStates.set(key, 'connecting');
      this.#dockerLoop = Promise.all(keys.map((key) => this.#followDocker(stop.signal, key)));
    }
    this.#registry.watchHookReports(stop.signal, () => this.#drainHooks(stop.signal));
    this.#drainHooks(stop.signal);
    this.#probeTmux(stop.signal);
  }

  /** One drain of the hook reports after the one under way; reports arriving meanwhile join the queued one. */
  #drainHooks(signal: AbortSignal): void {
    if (this.#isHookDrainQueued) return;
    this.#isHookDrainQueued = true;
    this.#hookDrain = this.#hookDrain.then(async () => {
      this.#isHookDrainQueued = false;
      if (signal.aborted) return;
      try {
        await this.#registry.applyHookReports();
      } catch (error) {
        this.#logger.warn('live status: applying hook reports failed', { error: errorMessage(error) });
      }
    });
  }

  #halt(): void {
    this.#stop?.abort();
    this.#stop = null;
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    if (this.#tmuxTimer !== null) clearTimeout(this.#tmuxTimer);
    this.#flushTimer = null;
    this.#tmuxTimer = null;
    this.#pending = [];
    this.#setState({ docker: 'off', tmux: 'off' });
  }

  /** One Docker host's event stream (`key`): its outage and its return are its own; the others go on. */
  #followDocker(signal: AbortSignal, key: RuntimeKey): Promise<void> {
    return followWithReconnect<ContainerChange>({
      signal,
      backoff: this.#backoff,
      random: this.#random,
      connect: (connectSignal) => this.#registry.followContainerChanges(connectSignal, key),
      onConnected: () => {
        this.#setDockerHostState(key, 'following');
        this.#queueDocker(signal, async () => {
          await this.#registry.recordRuntimeReachability(key, { reachable: true });
          await this.#registry.refreshRuntime(key);
        });
      },
      onItem: (change) => this.#gather(signal, change),
      onLost: (error) => this.#logger.debug(`the Docker Engine event stream (${key}) broke; connecting again`, { error: errorMessage(error) }),
      onUnreachable: (error) => {
        this.#setDockerHostState(key, 'unreachable');
        this.#queueDocker(signal, async () => {
          await this.#registry.recordRuntimeReachability(key, { reachable: false, error: serializeError(error) });
          // The same outage rule as any refresh: records read `unknown`, without an event each.
          await this.#registry.refreshRuntime(key);
        });
      },
    });
  }

  #setDockerHostState(key: RuntimeKey, state: 'connecting' | 'following' | 'unreachable'): void {
    this.#dockerHostStates.set(key, state);
    const states = [...this.#dockerHostStates.values()];
    this.#setState({ docker: states.includes('unreachable') ? 'unreachable' : states.includes('connecting') ? 'connecting' : 'following' });
  }

  #gather(signal: AbortSignal, change: ContainerChange): void {
    this.#pending.push(change);
    if (this.#flushTimer !== null) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      if (this.#isFlushQueued) return;
      this.#isFlushQueued = true;
      // The batch is taken when its turn comes, so changes arriving meanwhile join it.
      this.#queueDocker(signal, async () => {
        this.#isFlushQueued = false;
        const batch = this.#pending;
        this.#pending = [];
        if (batch.length > 0) await this.#registry.applyContainerChanges(batch);
      });
    }, this.#debounceMs);
  }

  #queueDocker(signal: AbortSignal, work: () => Promise<void>): void {
    this.#dockerLane = this.#dockerLane.then(async () => {
      if (signal.aborted) {
        this.#isFlushQueued = false;
        return;
      }
      try {
        await work();
      } catch (error) {
        this.#logger.warn('live status: applying Docker changes failed', { error: errorMessage(error) });
      }
    });
  }

  #probeTmux(signal: AbortSignal): void {
    this.#tmuxProbe = (async () => {
      try {
        const report = await this.#registry.refreshRuntime('tmux');
        if (signal.aborted) return;
        const failure = report.errors[0] ?? null;
        const isReachable = failure === null;
        if (isReachable !== this.#isTmuxReachable) {
          await this.#registry.recordRuntimeReachability('tmux', { reachable: isReachable, error: failure });
          this.#isTmuxReachable = isReachable;
        }
        this.#setState({ tmux: isReachable ? 'probing' : 'unreachable' });
        // The hooks' reports first (in case the watch missed one), so that a report waiting in
        // the spool is known before the screens are judged against it.
        this.#drainHooks(signal);
        await this.#hookDrain;
        // Every runtime's screens, whether tmux answered or not: a container has its own.
        await this.#registry.probeScreens({ signal });
      } catch (error) {
        this.#logger.warn('live status: the tmux probe failed', { error: errorMessage(error) });
      }
      if (signal.aborted) return;
      this.#tmuxTimer = setTimeout(() => {
        this.#tmuxTimer = null;
        if (!signal.aborted) this.#probeTmux(signal);
      }, this.#tmuxProbeMs);
    })();
  }

  #setState(change: Partial<LiveState>): void {
    const next = { ...this.#state, ...change };
    if (next.docker === this.#state.docker && next.tmux === this.#state.tmux) return;
    this.#state = next;
    for (const listener of this.#listeners.values()) {
      try {
        listener?.({ ...next });
      } catch (error) {
        this.#logger.warn('live status: a listener failed', { error: errorMessage(error) });
      }
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
