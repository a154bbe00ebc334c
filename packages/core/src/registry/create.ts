import { setTimeout as sleep } from 'node:timers/promises';
import { nameTaken } from '../db/prisma-errors.ts';
import { CcBridgeError } from '../errors.ts';
import { createInstanceInput, startInstanceInput, type CreateInstanceInput, type Instance } from '../instance.ts';
import type { CreateOptions } from '../reports.ts';
import { observeDockerContainer, statusFromContainerState, statusFromTmuxSession, type TmuxSessionInfo } from '../runtimes/runtime.ts';
import { parseInput } from '../validation.ts';
import { requireDocker, type RegistryContext } from './context.ts';
import type { Records } from './records.ts';

/** Creating records: written as given, or after starting their tmux session or container. */
export class Creation {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #tmuxStartGraceMs: number;

  /** `tmuxStartGraceMs`: how long a new tmux session must live to count as started. */
  constructor(context: RegistryContext, records: Records, tmuxStartGraceMs: number) {
    this.#context = context;
    this.#records = records;
    this.#tmuxStartGraceMs = tmuxStartGraceMs;
  }

  async createInstance(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
    const actor = options.actor ?? this.#context.actor;
    if (options.start) return this.#createAndStart(input, actor);
    const valid = parseInput(createInstanceInput, input, 'instance');
    const data = { ...valid, tmuxSession: valid.type === 'tmux' ? (valid.tmuxSession ?? valid.name) : null };
    return this.#records.insert(data, 'manual', actor);
  }

  /**
   * Starts the session or container, then writes the record. Whatever fails after the start
   * (the session ending at once, a status read, the insert, a name taken meanwhile) removes what
   * was started: a failed create leaves no session or container behind.
   */
  async #createAndStart(input: CreateInstanceInput, actor: string): Promise<Instance> {
    const valid = parseInput(startInstanceInput, input, 'instance');
    // Checked before the runtime starts, so a taken name leaves no session or container behind,
    // and a taken session is never started (nor killed by the undo below).
    const holder = await this.#records.getInstance(valid.name);
    if (holder) throw nameTaken(valid.name, holder.name);
    const { config, tmux, prisma } = this.#context;
    const now = this.#context.now();
    if (valid.type === 'tmux') {
      const tmuxSession = valid.tmuxSession ?? valid.name;
      await this.#records.refuseTakenSession(prisma, tmuxSession, null);
      const { command } = config.tmux;
      // startSession removes the session itself if it fails after tmux made it.
      await tmux.startSession({ name: tmuxSession, cwd: valid.cwd ?? null, command });
      return this.#orUndo(`the tmux session ${tmuxSession}`, () => tmux.killSession(tmuxSession), async () => {
        const session = await this.#confirmTmuxSession(tmuxSession, command);
        const data = { ...valid, tmuxSession, pid: session.panePid, status: statusFromTmuxSession(session), lastSeenAt: now };
        return this.#records.insert(data, 'manual', actor);
      });
    }
    const docker = requireDocker(this.#context);
    const engine = await docker.getEngine();
    // runContainer removes the container itself if it fails after the Engine made it.
    const container = await docker.runContainer({
      name: valid.containerName ?? valid.name,
      image: valid.imageName ?? '',
      labels: { [config.docker.containerLabel]: valid.name },
      network: valid.dockerNetwork ?? config.docker.network,
    });
    const data = {
      ...valid,
      containerId: container.id,
      containerName: container.name,
      dockerNetwork: container.networks[0] ?? valid.dockerNetwork ?? null,
      status: statusFromContainerState(container),
      ...observeDockerContainer(container, engine),
      lastSeenAt: now,
    };
    return this.#orUndo(`the container ${container.name}`, () => docker.removeContainer(container.id), () => this.#records.insert(data, 'manual', actor));
  }

  /**
   * A session whose command is missing or fails at once vanishes with no trace to look at: after
   * a short grace it must still be there, or the start is an error and no record is written.
   */
  async #confirmTmuxSession(name: string, command: readonly string[]): Promise<TmuxSessionInfo> {
    await sleep(this.#tmuxStartGraceMs);
    const session = await this.#context.tmux.getSession(name);
    if (!session) {
      throw new CcBridgeError(
        'TMUX_ERROR',
        `The tmux session ${name} ended as soon as it started: its command (${command.join(' ')}) exited or was not found. ` +
          'Set [tmux] command (or CC_BRIDGE_TMUX_COMMAND) to a program that keeps running.',
      );
    }
    return session;
  }

  /** Runs `work` after a runtime was started; if it fails, `undo` removes what was started. */
  async #orUndo(started: string, undo: () => Promise<unknown>, work: () => Promise<Instance>): Promise<Instance> {
    try {
      return await work();
    } catch (error) {
      await undo().catch((undoError: unknown) =>
        this.#context.logger.error(`${started} was started but could not be removed after the create failed; remove it by hand`, {
          error: undoError instanceof Error ? undoError.message : String(undoError),
        }),
      );
      throw error;
    }
  }
}
