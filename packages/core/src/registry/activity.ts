import { basename, resolve } from 'node:path';
import { activityChangeOf, hookReportSchema, nextActivity, type ValidHookReport } from '../activity/hook-event.ts';
import type { Instance } from '../instance.ts';
import type { TmuxRuntime } from '../runtimes/runtime.ts';
import { z } from 'zod';
import { insertEvents } from '../db/bulk.ts';
import { eventRow, recordEvent, type RegistryContext, type Tx } from './context.ts';

/** What applying one hook report did. */
export type HookReportOutcome =
  /** The record's activity (or its Claude session) was written. */
  | { kind: 'applied'; instanceId: string; changed: boolean }
  /** It names no record (an agent cc-bridge does not know): dropped. */
  | { kind: 'unmatched' }
  /** Not a report (bad JSON, wrong shape) or an event that says nothing of the activity: dropped. */
  | { kind: 'ignored'; reason: string };

const uuid = z.uuid();

/**
 * Applies Claude Code hook reports to their records: the activity, since when, what a waiting
 * agent asks, and its Claude session and transcript. Observations like status: never a version
 * bump. An `activity_changed` event is written, in the same transaction, when the activity or
 * the reason changed; a report that only confirms the activity (a PreToolUse while busy) writes
 * nothing unless the session is new.
 */
export class ActivityReports {
  readonly #context: RegistryContext;
  readonly #tmux: Pick<TmuxRuntime, 'sessionOfPane'>;

  constructor(context: RegistryContext, tmux: Pick<TmuxRuntime, 'sessionOfPane'>) {
    this.#context = context;
    this.#tmux = tmux;
  }

  /** Applies one report (the content of a spool file, unparsed). Throws only what the database throws. */
  async apply(raw: unknown): Promise<HookReportOutcome> {
    const parsed = hookReportSchema.safeParse(raw);
    if (!parsed.success) return { kind: 'ignored', reason: `not a hook report: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const report = parsed.data;
    const change = activityChangeOf(report.payload);
    if (change === null) return { kind: 'ignored', reason: `${report.payload.hook_event_name} says nothing of the activity` };
    const id = await this.#instanceIdOf(report);
    if (id === null) return { kind: 'unmatched' };
    const { prisma } = this.#context;
    return prisma.$transaction(async (tx) => {
      // Locked, so two processes applying reports of one agent write them one after the other.
      const [current] = await tx.$queryRaw<Pick<Instance, 'name' | 'activity' | 'activityReason' | 'claudeSessionId' | 'claudeTranscriptPath'>[]>`
        SELECT name, activity::text AS activity, "activityReason", "claudeSessionId", "claudeTranscriptPath"
        FROM "Instance" WHERE id = ${id}::uuid FOR UPDATE`;
      if (current === undefined) return { kind: 'unmatched' } as const;
      const next = nextActivity(current, change, report.payload);
      const session = report.payload.session_id ?? current.claudeSessionId;
      const transcript = report.payload.transcript_path ?? current.claudeTranscriptPath;
      const isChanged = next.activity !== current.activity || next.reason !== current.activityReason;
      if (!isChanged && session === current.claudeSessionId && transcript === current.claudeTranscriptPath) {
        return { kind: 'applied', instanceId: id, changed: false } as const;
      }
      await tx.instance.update({
        where: { id },
        data: {
          ...(isChanged ? { activity: next.activity, activityReason: next.reason, activitySince: new Date(report.at) } : {}),
          claudeSessionId: session,
          claudeTranscriptPath: transcript,
        },
      });
      if (isChanged) {
        await recordEvent(tx, {
          instanceId: id,
          instanceName: current.name,
          kind: 'activity_changed',
          from: current.activity,
          to: next.activity,
          actor: 'hooks',
          ...(next.reason === null ? {} : { message: next.reason }),
        });
      }
      return { kind: 'applied', instanceId: id, changed: isChanged } as const;
    });
  }

  /**
   * The record a report names: `CC_BRIDGE_INSTANCE` as an id, else as a name (any case); when it
   * names none (never set, or the record was renamed), the tmux pane's session. Never the
   * working directory: two agents can share one.
   */
  async #instanceIdOf(report: ValidHookReport): Promise<string | null> {
    const { prisma } = this.#context;
    if (report.instance !== null) {
      const byId = uuid.safeParse(report.instance).success ? await prisma.instance.findUnique({ where: { id: report.instance }, select: { id: true } }) : null;
      if (byId) return byId.id;
      const [byName] = await prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM "Instance" WHERE lower(name) = lower(${report.instance})`;
      if (byName) return byName.id;
    }
    if (report.tmuxPane !== null && this.#isOurTmuxServer(report.tmuxSocket)) {
      const session = await this.#tmux.sessionOfPane(report.tmuxPane).catch(() => null);
      if (session !== null) {
        const bySession = await prisma.instance.findUnique({ where: { tmuxSession: session }, select: { id: true } });
        if (bySession) return bySession.id;
      }
    }
    return null;
  }

  /** Pane ids are per tmux server: only a pane of the server cc-bridge uses names a session. */
  #isOurTmuxServer(socket: string | null): boolean {
    if (socket === null) return false;
    const configured = this.#context.config.tmux.socket;
    // tmux's default server: `$TMUX_TMPDIR/tmux-UID/default`.
    return configured === null ? basename(socket) === 'default' : resolve(socket) === resolve(configured);
  }
}

/** Activities of an agent that runs: what a session or container that ended cannot still be doing. */
const runningActivities = ['busy', 'waiting', 'idle'] as const;

/**
 * The agents of records whose runtime just ended (their status became `stopped` or `error`):
 * those still shown `busy`, `waiting` or `idle` become `exited` (no reason, since `at`), with an
 * `activity_changed` event each, in the caller's transaction. A record whose activity is
 * `unknown` (no agent seen) or already `exited` is left alone. The ids of the records changed.
 */
export async function markAgentsEnded(tx: Tx, ids: readonly string[], at: Date, actor: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const ended = await tx.$queryRaw<{ id: string; name: string; before: string }[]>`
    WITH before AS (
      SELECT id, activity::text AS activity FROM "Instance"
      WHERE id = ANY(${ids}::uuid[]) AND activity::text = ANY(${[...runningActivities]}::text[])
      FOR UPDATE
    )
    UPDATE "Instance" AS i SET activity = 'exited', "activityReason" = NULL, "activitySince" = ${at}
    FROM before WHERE i.id = before.id
    RETURNING i.id::text AS id, i.name, before.activity AS before`;
  await insertEvents(
    tx,
    ended.map((row) => eventRow({ instanceId: row.id, instanceName: row.name, kind: 'activity_changed', from: row.before, to: 'exited', actor, message: 'its runtime ended' })),
  );
  return ended.map((row) => row.id);
}
