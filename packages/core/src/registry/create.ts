import { nameTaken } from '../db/prisma-errors.ts';
import { isCcBridgeError, type ErrorCode } from '../errors.ts';
import { createInstanceInput, startInstanceInput, type CreateInstanceInput, type Instance } from '../instance.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { CreateOptions } from '../reports.ts';
import { refuseUnknownDockerHost, runtimeFor } from '../runtimes/runtimes.ts';
import { parseInput } from '../validation.ts';
import type { RegistryContext } from './context.ts';
import type { Records } from './records.ts';

/** The errors of an insert that a discovery of the launched container, meanwhile, explains. */
const takenMeanwhile = new Set<ErrorCode>(['NAME_TAKEN', 'CONTAINER_TAKEN']);

/** Creating records: written as given, or after starting their tmux session or container. */
export class Creation {
  readonly #context: RegistryContext;
  readonly #records: Records;

  constructor(context: RegistryContext, records: Records) {
    this.#context = context;
    this.#records = records;
  }

  async createInstance(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
    const actor = options.actor ?? this.#context.actor;
    if (options.start) return this.#createAndStart(input, actor);
    const valid = parseInput(createInstanceInput, input, 'instance');
    refuseUnknownDockerHost(this.#context.runtimes, valid.dockerHost);
    const data = { ...valid, ...runtimeFor(this.#context.runtimes, valid).recordIdentity(valid) };
    return this.#records.insert(data, 'manual', actor);
  }

  /**
   * Starts the session or container, then writes the record. Whatever fails after the start
   * (the session ending at once, a status read, the insert, a name taken meanwhile) removes what
   * was started: a failed create leaves no session or container behind. A record discovery wrote
   * for the launched container meanwhile is taken over (Records.adoptDiscovered), not undone.
   */
  async #createAndStart(input: CreateInstanceInput, actor: string): Promise<Instance> {
    const valid = parseInput(startInstanceInput, input, 'instance');
    refuseUnknownDockerHost(this.#context.runtimes, valid.dockerHost);
    // Checked before the runtime starts, so a taken name leaves no session or container behind,
    // and a taken session is never started (nor killed by the undo below).
    const holder = await this.#records.getInstance(valid.name);
    if (holder) throw nameTaken(valid.name, holder.name);
    const runtime = runtimeFor(this.#context.runtimes, valid);
    const identity = runtime.recordIdentity(valid);
    if (identity.tmuxSession) await this.#records.refuseTakenSession(this.#context.prisma, identity.tmuxSession, null);
    const now = this.#context.now();
    // launch removes what it made itself if it fails before it returns.
    const launched = await runtime.launch({ ...valid, ...identity });
    const data = { ...valid, ...identity, ...launched.fields, lastSeenAt: now };
    try {
      return await this.#records.insert(data, 'manual', actor);
    } catch (error) {
      const adopted = await this.#adoptDiscovered(error, data, actor);
      if (adopted) return adopted;
      await launched.undo().catch((undoError: unknown) =>
        this.#context.logger.error(`${launched.description} was started but could not be removed after the create failed; remove it by hand`, {
          error: undoError instanceof Error ? undoError.message : String(undoError),
        }),
      );
      throw error;
    }
  }

  /** The record discovery wrote for the launched container, taken over; null when the insert failed for another reason. */
  async #adoptDiscovered(error: unknown, data: Prisma.InstanceCreateInput, actor: string): Promise<Instance | null> {
    const { containerId } = data;
    if (!containerId || !isCcBridgeError(error) || !takenMeanwhile.has(error.code)) return null;
    try {
      return await this.#records.adoptDiscovered({ ...data, containerId }, actor);
    } catch (adoptError) {
      this.#context.logger.error('the create could not take over the record discovery wrote for its container', {
        error: adoptError instanceof Error ? adoptError.message : String(adoptError),
      });
      return null;
    }
  }
}
