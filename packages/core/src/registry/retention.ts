import { recordAudit } from '../audit/audit-log.ts';
import type { Instance } from '../instance.ts';
import type { RegistryContext } from './context.ts';
import type { Removal } from './removal.ts';

/** The actor of what `[retention]` removes. */
export const retentionActor = 'retention';

/** What a retention run removed (or, dry, would remove). */
export interface RetentionReport {
  dryRun: boolean;
  /** Stopped records last updated before this (null: `stopped_after` is not set, none removed). */
  stoppedBefore: Date | null;
  removed: Instance[];
  /** History older than this (null: `events_after` is not set, none removed). */
  eventsBefore: Date | null;
  /** How many instance events were (or would be) removed. */
  events: number;
}

/**
 * `[retention]`: removes the stopped records whose last update is older than `stopped_after` (the
 * clean-up of stopped records, as actor `retention`, so each is audited as a delete) and the
 * instance events older than `events_after` (one `prune-events` audit entry with the count, in
 * the same transaction). The audit log itself is never pruned. A setting left out keeps forever.
 */
export class Retention {
  readonly #context: RegistryContext;
  readonly #removal: Removal;

  constructor(context: RegistryContext, removal: Removal) {
    this.#context = context;
    this.#removal = removal;
  }

  async apply(options: { dryRun?: boolean } = {}): Promise<RetentionReport> {
    const dryRun = options.dryRun === true;
    const { stoppedAfterMs, eventsAfterMs } = this.#context.config.retention;
    const now = this.#context.now().getTime();
    const stoppedBefore = stoppedAfterMs === null ? null : new Date(now - stoppedAfterMs);
    const eventsBefore = eventsAfterMs === null ? null : new Date(now - eventsAfterMs);
    const removed =
      stoppedAfterMs === null ? [] : (await this.#removal.cleanupStoppedInstances({ olderThanMs: stoppedAfterMs, dryRun, actor: retentionActor })).removed;
    let events = 0;
    if (eventsBefore) {
      const where = { at: { lt: eventsBefore } };
      const { prisma } = this.#context;
      events = dryRun
        ? await prisma.instanceEvent.count({ where })
        : await prisma.$transaction(async (tx) => {
            const { count } = await tx.instanceEvent.deleteMany({ where });
            if (count > 0) {
              await recordAudit(tx, {
                actor: retentionActor,
                action: 'prune-events',
                target: 'events',
                detail: { removed: count, olderThan: eventsBefore.toISOString() },
                message: `removed ${count} instance event${count === 1 ? '' : 's'} older than ${eventsBefore.toISOString()}`,
              });
            }
            return count;
          });
    }
    return { dryRun, stoppedBefore, removed, eventsBefore, events };
  }
}
