import { z } from 'zod';

import { translateDatabaseError } from '../db/prisma-errors.ts';
import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { startInstanceInput, type Instance } from '../instance.ts';
import type { ActorOption } from '../reports.ts';
import { isNoAnswer } from '../runtimes/bounds.ts';
import { otherEngineError, type Observation } from '../runtimes/observation.ts';
import { runtimeFor, runtimeKeyOf } from '../runtimes/runtimes.ts';
import { parseInput } from '../validation.ts';
import { recordEvent, type RegistryContext } from './context.ts';
import type { Records } from './records.ts';
import type { StatusState } from './status-state.ts';
import type { Statuses } from './status.ts';

/** What can be done to a record's runtime: the names of the Runtime methods that do it. */
export const instanceAction = z.enum(['start', 'stop', 'restart']);
export type InstanceAction = z.infer<typeof instanceAction>;

/** The actions written as `action` events by `act`'s rules. */
type LoggedAction = InstanceAction | 'resume';

/** A Claude Code session id as its hooks report it (a UUID); anything else never reaches a command line. */
const claudeSessionId = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$/);

/** One action's outcome: the record as stored afterwards, and why the action failed (null: it was done). */
export interface ActionOutcome {
  instance: Instance;
  error: CcBridgeError | null;
}

/**
 * Acting on records' runtimes: start, stop, restart (through `runtimeFor`, never a branch on the
 * type) and re-creating a container that is gone. Each action writes an `action` event (`to`:
 * `{ action, ok }`, and the error's code and message when it failed), then the status the runtime
 * reports afterwards is written as a refresh writes it (a `status_changed` event when it
 * changed): never the status the action was meant to bring.
 */
export class Actions {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #statuses: Statuses;
  readonly #state: StatusState;

  constructor(context: RegistryContext, parts: { records: Records; statuses: Statuses; state: StatusState }) {
    this.#context = context;
    this.#records = parts.records;
    this.#statuses = parts.statuses;
    this.#state = parts.state;
  }

  /**
   * Starts, stops or restarts one record's runtime (see `Runtime.start`/`stop`/`restart`: a running
   * one started, or a stopped one stopped, is left as it is, without an error). A runtime failure
   * (a CcBridgeError) is the outcome's `error`, written as a failed `action` event, and the status
   * is then read back from the runtime (if that fails too, the stored status stays); the record
   * is never removed. A runtime that just did not answer in time is not asked again (its error
   * answers at once, as for a refresh), so acting on many records during an outage waits out
   * the bound once, not once per record. A gone container cannot be started or restarted: CONTAINER_GONE, whose
   * message names the re-create. Anything else (the database failing) is thrown.
   */
  async act(instance: Instance, action: InstanceAction, actor: string): Promise<ActionOutcome> {
    const runtime = runtimeFor(this.#context.runtimes, instance);
    return this.#perform(instance, action, () => runtime[action](instance), actor);
  }

  /** `act`'s rules for any action: the silence, the event, the observation written (see act). */
  async #perform(instance: Instance, action: LoggedAction, run: () => Promise<Observation>, actor: string): Promise<ActionOutcome> {
    let observation: Observation;
    try {
      const silence = this.#state.silence(runtimeKeyOf(this.#context.runtimes, instance));
      if (silence) throw silence;
      observation = await run();
      // A container of another Engine was not acted on (stop leaves it alone): that is a failure.
      if (observation.otherEngine) throw otherEngineError(instance, observation.otherEngine);
    } catch (thrown) {
      if (!isCcBridgeError(thrown)) throw thrown;
      // An outage as a refresh sees it: warned once, and the next records do not wait for it.
      if (isNoAnswer(thrown)) this.#state.failed(runtimeKeyOf(this.#context.runtimes, instance), thrown, { push: () => undefined });
      // A stop of a gone container is done (gone is stopped); start and restart need it.
      const error = (action === 'start' || action === 'restart') && isCcBridgeError(thrown, 'NOT_FOUND') ? containerGone(instance, action, thrown) : thrown;
      await this.#writeActionEvent(instance, action, actor, error);
      const { outcomes } = await this.#statuses.refreshRecords([instance], actor);
      return { instance: outcomes[0]?.instance ?? instance, error };
    }
    await this.#writeActionEvent(instance, action, actor, null);
    return { instance: await this.#statuses.applyObservation(instance, observation, actor), error: null };
  }

  /** `act` on the record named `name`; NOT_FOUND when there is none, the runtime's failure thrown. */
  async actOrThrow(name: string, action: InstanceAction, options: ActorOption = {}): Promise<Instance> {
    const instance = await this.#records.getInstanceOrThrow(name);
    const { instance: updated, error } = await this.act(instance, parseInput(instanceAction, action, 'action'), options.actor ?? this.#context.actor);
    if (error) throw error;
    return updated;
  }

  /**
   * Starts Claude Code again on the record's last conversation (`--resume` its
   * `claudeSessionId`, in its cwd: `Runtime.resume`), for a stopped instance or one whose agent
   * exited; an `action` event (`resume`), then the status as observed, as `act` does. INVALID_INPUT
   * for a container (only tmux instances resume) or a record with no Claude session id (its hooks
   * report it); CONFLICT while the session runs an agent that has not exited; the runtime's
   * failure (TMUX_ERROR) thrown, the record kept.
   */
  async resumeInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    const instance = await this.#records.getInstanceOrThrow(name);
    const runtime = runtimeFor(this.#context.runtimes, instance);
    const { resume } = runtime;
    if (resume === undefined) {
      throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" runs in ${runtime.label}: only a tmux instance can be resumed (Claude Code is started again in its session)`);
    }
    if (instance.claudeSessionId === null) {
      throw new CcBridgeError(
        'INVALID_INPUT',
        `"${instance.name}" has no Claude session to resume: its agent never reported one (Claude Code's hooks report it: cc-bridge hooks install)`,
      );
    }
    const sessionId = parseInput(claudeSessionId, instance.claudeSessionId, 'claudeSessionId');
    const current = await runtime.observe(instance);
    if (current.status === 'running' && instance.activity !== 'exited') {
      throw new CcBridgeError('CONFLICT', `"${instance.name}" is running and its agent has not exited (${instance.activity}); resume is for a stopped instance or an exited agent`);
    }
    const { instance: updated, error } = await this.#perform(instance, 'resume', () => resume(instance, sessionId), options.actor ?? this.#context.actor);
    if (error) throw error;
    return updated;
  }

  /**
   * A new runtime for a record whose own is gone, from the record's fields (`Runtime.launch`):
   * Docker: a new container from its `imageName`, named `containerName`, on `dockerNetwork` (or
   * the configured network), with the cc-bridge label; tmux: a new session as a start makes it.
   * The record keeps its id, name and history and gets the new container's id (one `action`
   * event, `recreate`, with the old and new fields; then the status as observed). CONFLICT when
   * the container or session still exists (start it instead); DOCKER_UNAVAILABLE for a record of
   * another Engine; INVALID_INPUT when the record has no image. If the record cannot be written
   * the new container is removed again; a discovery that merged the new container into the record
   * meanwhile is not a conflict.
   */
  async recreateInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    const actor = options.actor ?? this.#context.actor;
    const instance = await this.#records.getInstanceOrThrow(name);
    const runtime = runtimeFor(this.#context.runtimes, instance);
    const current = await runtime.observe(instance);
    if (current.otherEngine) throw otherEngineError(instance, current.otherEngine);
    if (current.isSeen) {
      throw new CcBridgeError('CONFLICT', `"${instance.name}": ${describeRuntime(instance)} still exists; start it instead (re-create makes a new one only when it is gone)`);
    }
    const input = parseInput(startInstanceInput, launchFields(instance), 'instance');
    const launched = await runtime.launch({ ...input, ...runtime.recordIdentity(input) });
    // The status is left to the observation below, so its change is written as a refresh writes it.
    const { status: _launchedStatus, ...fields } = launched.fields;
    let updated: Instance;
    try {
      updated = await this.#context.prisma.$transaction(async (tx) => {
        const data = { ...fields, lastSeenAt: this.#context.now(), updatedAt: this.#context.now(), version: { increment: 1 } };
        let { count } = await tx.instance.updateMany({ where: { id: instance.id, version: instance.version }, data });
        // Discovery in any process (a live follower hearing the new container's `create`) may
        // have merged the launched container into this record meanwhile: that change is this
        // re-create's own, so the write goes on. Any other change is someone else's.
        if (count === 0 && typeof fields.containerId === 'string') {
          ({ count } = await tx.instance.updateMany({ where: { id: instance.id, containerId: fields.containerId }, data }));
        }
        if (count === 0) throw new CcBridgeError('CONFLICT', `"${instance.name}" was changed by someone else while it was re-created; try again`);
        const written = await tx.instance.findUniqueOrThrow({ where: { id: instance.id } });
        const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter((field) => fields[field] !== instance[field]);
        await recordEvent(tx, {
          instanceId: instance.id,
          instanceName: instance.name,
          kind: 'action',
          from: Object.fromEntries(changed.map((field) => [field, instance[field]])),
          to: { action: 'recreate', ok: true, ...Object.fromEntries(changed.map((field) => [field, written[field]])) },
          message: `re-created as ${launched.description}`,
          actor,
        });
        return written;
      });
    } catch (error) {
      await launched.undo().catch((undoError: unknown) =>
        this.#context.logger.error(`${launched.description} was started but could not be removed after the re-create failed; remove it by hand`, {
          error: undoError instanceof Error ? undoError.message : String(undoError),
        }),
      );
      throw translateDatabaseError(error, { name: instance.name, containerId: typeof fields.containerId === 'string' ? fields.containerId : null });
    }
    const { outcomes } = await this.#statuses.refreshRecords([updated], actor);
    return outcomes[0]?.instance ?? updated;
  }

  async #writeActionEvent(instance: Instance, action: LoggedAction, actor: string, error: CcBridgeError | null): Promise<void> {
    await recordEvent(this.#context.prisma, {
      instanceId: instance.id,
      instanceName: instance.name,
      kind: 'action',
      to: error ? { action, ok: false, error: error.code } : { action, ok: true },
      ...(error ? { message: error.message } : {}),
      actor,
    });
  }
}

/** The fields a new runtime is made from: the record's, without those the runtime gives (container id, pid). */
function launchFields(instance: Instance): Record<string, unknown> {
  const fields = { name: instance.name, type: instance.type, tmuxSession: instance.tmuxSession, cwd: instance.cwd, imageName: instance.imageName, containerName: instance.containerName, dockerNetwork: instance.dockerNetwork };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

function describeRuntime(instance: Instance): string {
  if (instance.containerId) return `its container ${instance.containerName ?? instance.containerId}`;
  return `its tmux session ${instance.tmuxSession ?? instance.name}`;
}

/** A start or restart of a record whose container the Engine no longer has: the fix is a re-create. */
function containerGone(instance: Instance, action: 'start' | 'restart', cause: CcBridgeError): CcBridgeError {
  const image = instance.imageName ? ` from its image ${instance.imageName}` : '';
  return new CcBridgeError(
    'CONTAINER_GONE',
    `"${instance.name}" cannot be ${action === 'start' ? 'started' : 'restarted'}: ${cause.message} (it was removed). ` +
      `Re-create it${image}: cc-bridge instances recreate ${instance.name}`,
    { cause },
  );
}
