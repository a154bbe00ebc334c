import { emptyScreenHold, holdScreenReading, readPane, standingActivity, type HookReport, type ScreenHold } from '../activity/screen-activity.ts';
import { serializeError, type SerializedError } from '../errors.ts';
import { instanceActivity, type InstanceActivity } from '../instance.ts';
import type { AgentScreen } from '../runtimes/instance-runtime.ts';
import { groupByRuntime } from '../runtimes/runtimes.ts';
import { recordEvent, type RegistryContext } from './context.ts';

/** What one reading of the screens did. */
export interface ScreenProbeReport {
  /** Screens read (running records whose runtime showed one). */
  read: number;
  /** Records whose activity was written. */
  changed: number;
  /** Each runtime's failure, when its screens could not be read (its records are left as they are). */
  errors: SerializedError[];
}

/** The actor of the activity changes the screen makes. */
export const screenActor = 'screen';

/**
 * Source 2 of agent activity: the screens of running instances, read by Claude Code's screen
 * rules (activity/screen-rules.ts) at the live follower's probe cadence, held so that one odd
 * frame does not flicker the state (`holdScreenReading`), and joined with the last change another
 * source made, the hooks' or an answer's (`standingActivity`): the hooks win when both speak,
 * unless the screen has shown for 2 s a change that began after that one (an Esc-cancelled
 * prompt, which no hook reports). Each runtime shows its screens its own way behind
 * `Runtime.readScreens` (tmux: its panes; Docker: a headless terminal per running container
 * with a TTY, followed while `signal` lives); the rules and the hold are the same for all.
 * What stands is written as the hooks write it (activity, reason, since, an `activity_changed`
 * event), with actor `screen`, and only if no one changed the activity since it was read.
 *
 * The holds live in this process (one per record): each process that follows live reads the
 * screens itself; two of them writing the same change write it once (the write compares first).
 */
export class ScreenActivity {
  readonly #context: RegistryContext;
  readonly #holds = new Map<string, ScreenHold>();

  constructor(context: RegistryContext) {
    this.#context = context;
  }

  /**
   * Reads the screen of every running record (one batched call per runtime: 40 tmux panes in one
   * tmux command) and writes the activity that stands where it differs from the stored one.
   * Containers' screens are followed only while `signal` lives (the live follower passes its own);
   * without it no container screen is read. A runtime failing is the report's error (nothing
   * written for its records); the database failing is thrown.
   */
  async probeScreens(options: { signal?: AbortSignal } = {}): Promise<ScreenProbeReport> {
    const { prisma, runtimes } = this.#context;
    const records = await prisma.instance.findMany({ where: { status: 'running' } });
    const running = new Set(records.map((record) => record.id));
    for (const id of this.#holds.keys()) if (!running.has(id)) this.#holds.delete(id);

    const screens = new Map<string, AgentScreen | null>();
    const errors: SerializedError[] = [];
    for (const { runtime, records: ofRuntime } of groupByRuntime(runtimes, records)) {
      try {
        // Called with none too: a runtime frees what it followed for records no longer running.
        for (const [id, screen] of await runtime.readScreens(ofRuntime, options)) screens.set(id, screen);
      } catch (error) {
        if (ofRuntime.length > 0) errors.push(serializeError(error));
      }
    }
    if (screens.size === 0) return { read: 0, changed: 0, errors };

    const hooks = await this.#lastHookReports(records.map((record) => record.id));
    const now = this.#context.now().getTime();
    let read = 0;
    let changed = 0;
    for (const record of records) {
      const screen = screens.get(record.id) ?? null;
      if (screen === null) continue;
      read += 1;
      const hadAgent = record.activity !== 'unknown' || record.claudeSessionId !== null;
      const hold = holdScreenReading(this.#holds.get(record.id) ?? emptyScreenHold, readPane(screen, hadAgent), now);
      this.#holds.set(record.id, hold);
      const standing = standingActivity(hooks.get(record.id) ?? null, hold.shown, now);
      if (standing === null || standing.activity === 'unknown') continue;
      if (standing.activity === record.activity && standing.reason === record.activityReason) continue;
      if (await this.#write(record, { activity: standing.activity, reason: standing.reason, since: new Date(standing.since) })) changed += 1;
    }
    return { read, changed, errors };
  }

  /**
   * The last change of each record's activity that the screen did not make, from its history:
   * the hooks' (actor `hooks`), or an answer's, which moves a record out of `waiting` when
   * Claude Code runs no hook (a refused permission). Only the hooks' would let a dialog the
   * screen saw before an answer put the answered record back into `waiting`.
   */
  async #lastHookReports(ids: string[]): Promise<Map<string, HookReport>> {
    const rows = await this.#context.prisma.$queryRaw<{ instanceId: string; to: unknown; message: string | null; at: Date }[]>`
      SELECT DISTINCT ON (e."instanceId") e."instanceId"::text AS "instanceId", e."to", e.message, e.at
      FROM "InstanceEvent" AS e
      WHERE e.kind = 'activity_changed' AND e.actor <> ${screenActor} AND e."instanceId" = ANY(${ids}::uuid[])
      ORDER BY e."instanceId", e.id DESC`;
    const reports = new Map<string, HookReport>();
    for (const row of rows) {
      const activity = instanceActivity.safeParse(row.to);
      // Only a wait has a reason; another writer's message (an answer's) describes the change.
      if (activity.success) reports.set(row.instanceId, { activity: activity.data, reason: activity.data === 'waiting' ? row.message : null, at: row.at.getTime() });
    }
    return reports;
  }

  /** Writes the change unless the record's activity moved since it was read (a hook report meanwhile wins). */
  async #write(
    record: { id: string; activity: InstanceActivity; activityReason: string | null },
    next: { activity: InstanceActivity; reason: string | null; since: Date },
  ): Promise<boolean> {
    return this.#context.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ name: string; activity: InstanceActivity; activityReason: string | null }[]>`
        SELECT name, activity::text AS activity, "activityReason" FROM "Instance" WHERE id = ${record.id}::uuid FOR UPDATE`;
      if (current === undefined || current.activity !== record.activity || current.activityReason !== record.activityReason) return false;
      await tx.instance.update({ where: { id: record.id }, data: { activity: next.activity, activityReason: next.reason, activitySince: next.since } });
      await recordEvent(tx, {
        instanceId: record.id,
        instanceName: current.name,
        kind: 'activity_changed',
        from: current.activity,
        to: next.activity,
        actor: screenActor,
        ...(next.reason === null ? {} : { message: next.reason }),
      });
      return true;
    });
  }
}
