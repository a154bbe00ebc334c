import { CcBridgeError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Instance } from '../instance.ts';
import type { ActorOption, CleanupOptions, DeleteOptions, DeleteResult, RemovalReport } from '../reports.ts';
import { belongsToOtherEngine } from '../runtimes/runtime.ts';
import { parseInput } from '../validation.ts';
import { z } from 'zod';
import { requireDocker, type RegistryContext } from './context.ts';
import { findContainer, indexContainers } from '../runtimes/observation.ts';
import { runtimeFor } from '../runtimes/runtimes.ts';
import type { Records } from './records.ts';
import type { StatusState } from './status-state.ts';

/** Removing records: one (with or without its runtime), the clean-up of stopped ones, the prune of gone containers. */
export class Removal {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #state: StatusState;

  constructor(context: RegistryContext, records: Records, state: StatusState) {
    this.#context = context;
    this.#records = records;
    this.#state = state;
  }

  async deleteInstance(name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const instance = await this.#records.getInstanceOrThrow(name);
    // The runtime goes first: if tmux or Docker fails, the record stays and the error is reported.
    const runtime = options.removeRuntime ? ((await this.#removeRuntime(instance)) ? 'removed' : 'gone') : 'kept';
    const actor = options.actor ?? this.#context.actor;
    const message = { kept: 'record removed', removed: 'record and runtime removed', gone: 'record removed; the runtime was already gone' }[runtime];
    const deleted = await this.#records.deleteRecords([instance], actor, message);
    this.#state.cache.delete(instance.id);
    // Another call deleted it since it was read: that call reported it, this one finds nothing.
    if (!deleted.has(instance.id)) throw new CcBridgeError('NOT_FOUND', `No instance named "${name}"`);
    return { instance, runtime };
  }

  /** True when there was a session or container to remove. */
  #removeRuntime(instance: Instance): Promise<boolean> {
    return runtimeFor(this.#context.runtimes, instance).remove(instance);
  }

  /** Removes stopped records (never runtimes), optionally of one type and older than a duration. */
  async cleanupStoppedInstances(options: CleanupOptions & ActorOption = {}): Promise<RemovalReport> {
    const olderThan = options.olderThanMs === undefined ? undefined : parseInput(z.number().int().min(0), options.olderThanMs, 'age');
    const where: Prisma.InstanceWhereInput = {
      status: 'stopped',
      ...(options.type ? { type: options.type } : {}),
      ...(olderThan !== undefined ? { updatedAt: { lt: new Date(this.#context.now().getTime() - olderThan) } } : {}),
    };
    const found = await this.#context.prisma.instance.findMany({ where, orderBy: { name: 'asc' } });
    if (options.dryRun) return { dryRun: true, removed: found, engine: null, otherEngine: [] };
    const deleted = await this.#records.deleteRecords(found, options.actor ?? this.#context.actor, 'cleanup of stopped instances');
    return { dryRun: false, removed: found.filter((instance) => deleted.has(instance.id)), engine: null, otherEngine: [] };
  }

  /**
   * Removes discovered records whose container is gone. Asks the Engine first: when it cannot be
   * reached nothing is removed (DOCKER_UNAVAILABLE), since "gone" cannot be told from "unknown".
   * A record another Engine has claimed is kept: this Engine not having its container says nothing.
   */
  async pruneDiscoveredInstances(options: { dryRun?: boolean } & ActorOption = {}): Promise<RemovalReport> {
    const docker = requireDocker(this.#context);
    const [engine, listed] = await Promise.all([docker.getEngine(), docker.listContainers()]);
    const containers = indexContainers(listed);
    const discovered = await this.#context.prisma.instance.findMany({ where: { origin: 'discovered', type: 'docker' }, orderBy: { name: 'asc' } });
    const missing = discovered.filter((instance) => !findContainer(containers, instance.containerId));
    const removed = missing.filter((instance) => !belongsToOtherEngine(instance, engine));
    const otherEngine = missing.filter((instance) => belongsToOtherEngine(instance, engine)).map((instance) => instance.name);
    if (options.dryRun) return { dryRun: true, removed, engine, otherEngine };
    const actor = options.actor ?? this.#context.actor;
    const deleted = await this.#records.deleteRecords(removed, actor, `prune: container no longer exists on Engine ${engine.id} at ${engine.endpoint}`);
    return { dryRun: false, removed: removed.filter((instance) => deleted.has(instance.id)), engine, otherEngine };
  }
}
