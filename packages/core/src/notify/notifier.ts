import { setTimeout as sleep } from 'node:timers/promises';
import type { Change } from '../changes/payload.ts';
import type { WatchOptions } from '../changes/change-feed.ts';
import type { Config } from '../config.ts';
import type { LiveFollower } from '../live/live-follower.ts';
import type { Logger } from '../logger.ts';
import type { PendingEvent } from '../registry/notifications.ts';
import { notificationOf, type Notification } from './notification.ts';
import type { NotifyTarget } from './targets.ts';

/** How a failed send is tried again: `attempts` in all, waiting `firstDelayMs`, doubling up to `maxDelayMs`. */
export interface NotifyRetry {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Five attempts over about 15 s (1, 2, 4, 8 s between them). */
export const defaultNotifyRetry: NotifyRetry = { attempts: 5, firstDelayMs: 1_000, maxDelayMs: 8_000 };
/** Transitions older than this when taken (after the dashboard was down, say) are dropped, not sent (ms). */
export const defaultNotifyMaxAgeMs = 10 * 60_000;

export interface NotifierOptions {
  /** The registry's queue of transitions (InstanceManager has it). */
  registry: { takePendingEvents(limit: number): Promise<PendingEvent[]> };
  /** The registry's changes (CcBridge.watchChanges): each one wakes the notifier to look at the queue. */
  watchChanges: (options: WatchOptions) => AsyncIterable<Change>;
  /** Followed while the notifier runs, so hook reports are applied with no page open. */
  live: Pick<LiveFollower, 'subscribe'> | null;
  settings: Pick<Config['notify'], 'on' | 'dashboardUrl'>;
  targets: NotifyTarget[];
  logger: Logger;
  retry?: NotifyRetry;
  maxAgeMs?: number;
  now?: () => number;
}

const batchSize = 100;

/**
 * Sends the registry's transitions (an agent now waiting, exited, idle; a record in `error`) to
 * the configured targets, once each however many processes write or notify: it takes them from
 * the database's queue (registry/notifications.ts), woken by the change feed. Each target sends
 * in order, one at a time, retrying with backoff (NotifyRetry); nothing waits on it. A target's
 * failure is logged once (warn) until it works again (info). Runs from start() until close().
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #retry: NotifyRetry;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #stop = new AbortController();
  readonly #lanes = new Map<NotifyTarget, Promise<void>>();
  readonly #failing = new Set<NotifyTarget>();
  #watching: Promise<void> = Promise.resolve();
  #taking: Promise<void> = Promise.resolve();
  #isTakeQueued = false;
  #isTakeFailing = false;
  #unsubscribeLive: (() => void) | null = null;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#retry = options.retry ?? defaultNotifyRetry;
    this.#maxAgeMs = options.maxAgeMs ?? defaultNotifyMaxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** Starts listening (and following the runtimes); transitions already queued are taken once it listens. */
  start(): void {
    const signal = this.#stop.signal;
    this.#unsubscribeLive = this.#options.live?.subscribe() ?? null;
    this.#watching = (async () => {
      // The first change is `connected`: the queue is read then, so nothing written meanwhile is missed.
      for await (const _change of this.#options.watchChanges({ signal })) this.#queueTake();
    })().catch((error: unknown) => this.#options.logger.error('notify: the change feed ended', { error: messageOf(error) }));
  }

  /** Resolves once nothing is being taken or sent (retries waiting included). */
  async idle(): Promise<void> {
    for (;;) {
      const work = [this.#taking, ...this.#lanes.values()];
      await Promise.all(work);
      const now = [this.#taking, ...this.#lanes.values()];
      if (now.length === work.length && now.every((promise, index) => promise === work[index])) return;
    }
  }

  /** Stops: no more taking, waiting retries are given up, a send under way is cut. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#unsubscribeLive?.();
    await this.#watching;
    await this.idle();
  }

  /** One look at the queue after the one under way; changes meanwhile join the queued one. */
  #queueTake(): void {
    if (this.#isTakeQueued) return;
    this.#isTakeQueued = true;
    this.#taking = this.#taking.then(async () => {
      this.#isTakeQueued = false;
      if (this.#stop.signal.aborted) return;
      try {
        for (;;) {
          const events = await this.#options.registry.takePendingEvents(batchSize);
          this.#dispatch(events);
          if (events.length < batchSize) break;
        }
        if (this.#isTakeFailing) this.#options.logger.info('notify: reading the queue works again');
        this.#isTakeFailing = false;
      } catch (error) {
        if (!this.#isTakeFailing) this.#options.logger.warn('notify: cannot read the queue of transitions; trying again', { error: messageOf(error) });
        this.#isTakeFailing = true;
        // Tried again after a while, or sooner with the next change.
        const retry = setTimeout(() => this.#queueTake(), this.#retry.firstDelayMs);
        this.#stop.signal.addEventListener('abort', () => clearTimeout(retry), { once: true });
      }
    });
  }

  #dispatch(events: PendingEvent[]): void {
    const { settings, targets, logger } = this.#options;
    for (const event of events) {
      const notification = notificationOf(event, settings);
      if (notification === null) continue;
      if (this.#now() - event.at.getTime() > this.#maxAgeMs) {
        logger.info('notify: dropped a transition too old to send', { instance: event.instanceName, transition: notification.transition, at: notification.since });
        continue;
      }
      for (const target of targets) {
        const lane = (this.#lanes.get(target) ?? Promise.resolve()).then(() => this.#send(target, notification));
        this.#lanes.set(target, lane);
      }
    }
  }

  async #send(target: NotifyTarget, notification: Notification): Promise<void> {
    const { logger } = this.#options;
    const signal = this.#stop.signal;
    const { attempts, firstDelayMs, maxDelayMs } = this.#retry;
    const about = { instance: notification.instance.name, transition: notification.transition };
    let delayMs = firstDelayMs;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (signal.aborted) return;
      try {
        await target.send(notification, signal);
        if (this.#failing.delete(target)) logger.info(`notify: ${target.label} works again`, about);
        return;
      } catch (error) {
        // Closed meanwhile: the send was cut, which is no failure of the target.
        if (this.#stop.signal.aborted) return;
        const isLast = attempt === attempts;
        if (!this.#failing.has(target)) {
          logger.warn(`notify: ${target.label} failed; trying again, quietly until it works`, { ...about, error: messageOf(error), attempts });
          this.#failing.add(target);
        } else {
          logger.debug(`notify: ${target.label} failed again`, { ...about, error: messageOf(error), attempt, gaveUp: isLast });
        }
        if (isLast) return;
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
        delayMs = Math.min(delayMs * 2, maxDelayMs);
      }
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
