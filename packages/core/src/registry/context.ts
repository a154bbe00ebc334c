import type { Config } from '../config.ts';
import { insertEvents, type EventRow } from '../db/bulk.ts';
import type { DockerDiscoverer } from '../discovery/docker-discoverer.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { EventKind } from '../instance.ts';
import type { Logger } from '../logger.ts';
import { auditOfEvent, recordAudit } from '../audit/audit-log.ts';
import { currentCaller } from '../audit/caller.ts';
import { dockerDisabledError, type DockerRuntime } from '../runtimes/runtime.ts';
import type { Runtimes } from '../runtimes/runtimes.ts';

/** One configured Docker host (`[[docker.hosts]]`): its Engine client and discoverer; both null when Docker is disabled. */
export interface DockerHostDeps {
  name: string;
  docker: DockerRuntime | null;
  discoverer: DockerDiscoverer | null;
}

/**
 * What every part of the registry works with: the database, the runtimes, the configuration.
 * Made once by `InstanceManager` from its deps and shared by its modules.
 */
export interface RegistryContext {
  prisma: PrismaClient;
  /**
   * The first (default) Docker host's Engine, for what asks one Engine (health, prune, answers'
   * container settings); null when Docker support is disabled in the configuration.
   */
  docker: DockerRuntime | null;
  /** Every configured Docker host, in order (never empty); discovery asks each. */
  dockerHosts: readonly DockerHostDeps[];
  /** What acts on a record, by its type and Docker host (`runtimeFor`). */
  runtimes: Runtimes;
  config: Config;
  logger: Logger;
  /**
   * Recorded in events when a call names no actor: the actor of the principal the call runs as
   * (`actingAs`), else the one the manager was made with.
   */
  readonly actor: string;
  now: () => Date;
}

export type Tx = Prisma.TransactionClient;
export type EventInput = { instanceId: string | null; instanceName: string; kind: EventKind; from?: unknown; to?: unknown; message?: string; actor: string };

export const dockerDisabled = dockerDisabledError;

/** The Docker runtime; DOCKER_UNAVAILABLE when Docker support is disabled. */
export function requireDocker(context: RegistryContext): DockerRuntime {
  if (!context.docker) throw dockerDisabled();
  return context.docker;
}

/** JSON-safe copies (Dates become ISO strings), as events store them. */
export function eventRow(event: EventInput): EventRow {
  const plain = (value: unknown) => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown));
  return {
    instanceId: event.instanceId,
    instanceName: event.instanceName,
    kind: event.kind,
    from: plain(event.from),
    to: plain(event.to),
    actor: event.actor,
    message: event.message ?? null,
  };
}

/** The actor the call running now acts as (`actingAs`), else `fallback`. */
export function currentActor(fallback: string): string {
  return currentCaller()?.actor ?? fallback;
}

/**
 * Writes events and, for those that are changes someone decided, their audit entries (with the
 * origin of the call running now), in one transaction: `client`'s when it is one, else a new one.
 */
export async function recordEvents(client: Tx | PrismaClient, events: readonly EventInput[]): Promise<void> {
  if (events.length === 0) return;
  const write = async (tx: Tx) => {
    await insertEvents(tx, events.map(eventRow));
    await recordAudit(tx, events.flatMap((event) => auditOfEvent(event) ?? []));
  };
  if ('$transaction' in client) await client.$transaction(write);
  else await write(client);
}

/** One event (and its audit entry, if audited): `recordEvents` of one. */
export async function recordEvent(client: Tx | PrismaClient, event: EventInput): Promise<void> {
  await recordEvents(client, [event]);
}
