import { homedir } from 'node:os';
import {
  CcBridgeError,
  parseInput,
  type AuditEntry,
  TranscriptUsageReader,
  type DockerHealth,
  type Instance,
  type InstanceEvent,
  type ListInstancesQuery,
  type ListInstancesResult,
  type StatusResult,
  type TokenUsage,
} from '@cc-bridge/core';
import { userHooksStatus, type HooksStatus } from '@cc-bridge/core/claude-settings';
import { z } from 'zod';
import { getBridge } from './bridge';
import { sortInbox, type Inbox } from './inbox';
import { listQueryOf, listRequestKeys, listRequestQuery } from './list-params';

// What the dashboard reads, in one place: the GET route handlers under app/api answer with these,
// and the server pages prefetch through them, so the first HTML and every later poll agree.

/** The detail page's data: the record, its live status, its whole history (newest last) and its agent's token use. */
export interface InstanceDetail {
  instance: StatusResult['instance'];
  status: StatusResult;
  events: InstanceEvent[];
  /** The instance's own part of the audit log (across renames), newest first, the last `detailAuditEntries`. */
  audit: AuditEntry[];
  /** From the Claude Code transcript; null when it has none or it cannot be read. */
  tokens: TokenUsage | null;
}

// Transcripts are read on request, each file again only when it grew (core's reader keeps, per
// file, where it stopped and the sums so far); one per server process, across HMR too.
const store = globalThis as typeof globalThis & { ccBridgeTranscripts?: TranscriptUsageReader };
function transcripts(): TranscriptUsageReader {
  store.ccBridgeTranscripts ??= new TranscriptUsageReader();
  return store.ccBridgeTranscripts;
}

/**
 * One page of the list. Statuses are first brought up to date by core's status policy (at most
 * `manager.statusMaxAgeMs` old, less than the polling interval),
 * so a container stopped outside cc-bridge reads `stopped` by the next poll, not when someone
 * presses Refresh. Throws INVALID_INPUT for a query core refuses.
 */
export async function readInstanceList(query: ListInstancesQuery): Promise<ListInstancesResult> {
  const { manager } = await getBridge();
  await manager.ensureFreshStatuses();
  return manager.listInstances(query);
}

// Longer than any name core accepts, so a mistyped link reads as "no such instance", not as an error.
const detailName = z.string().max(2048);

/** How many of an instance's audit entries its page shows; /audit?instance=NAME has them all. */
export const detailAuditEntries = 20;

/** One instance with its live status and events; null when there is no such instance (any name). */
export async function readInstanceDetail(name: string): Promise<InstanceDetail | null> {
  const parsed = detailName.safeParse(name);
  if (!parsed.success) return null;
  const { manager } = await getBridge();
  if (!(await manager.getInstance(parsed.data))) return null;
  const [status, events, audit] = await Promise.all([
    manager.getInstanceStatus(parsed.data),
    manager.listEvents(parsed.data),
    manager.listAudit({ instance: parsed.data, limit: detailAuditEntries }),
  ]);
  const tokens = await transcripts().read(status.instance.claudeTranscriptPath);
  return { instance: status.instance, status, events, audit: audit.items, tokens };
}

/** What /instances shows of the agents as a whole: the fleet's token use, and whether the hooks report here. */
export interface FleetSummary {
  /** Summed over every record's transcript (all pages, any filter). */
  tokens: TokenUsage;
  /** How many transcripts could be read. */
  transcripts: number;
  /** How many agents are busy: only their transcripts grow, so the page asks again while one is. */
  busy: number;
  /** cc-bridge's hooks in the user settings of the server's HOME, reporting to this server's spool folder. */
  hooks: HooksStatus;
}

/** The fleet's token use and the hooks' state (GET /api/fleet). */
export async function readFleetSummary(): Promise<FleetSummary> {
  const { manager, config } = await getBridge();
  const { items } = await manager.listInstances({});
  const { tokens, transcripts: count } = await transcripts().total(items.map((item) => item.claudeTranscriptPath));
  const busy = items.filter((item) => item.activity === 'busy').length;
  return { tokens, transcripts: count, busy, hooks: userHooksStatus({ home: homedir(), spoolDir: config.hooks.spoolDir }) };
}

/** Whether Docker is enabled and its Engine answers a ping (core's outage rule applies). */
export async function readDockerHealth(): Promise<DockerHealth> {
  const { manager } = await getBridge();
  return manager.getDockerHealth();
}

/**
 * The list query a GET /api/instances URL asks for: the page URL's parameters (`type`, `status`
 * comma-separated, `activity`, `origin`, `search`, `sort`, `order`, `page`), validated with core's list schema.
 * An empty value counts as absent. Throws INVALID_INPUT naming the parameter for an unknown or
 * repeated parameter or a value core refuses.
 */
export function parseListRequest(searchParams: URLSearchParams): ListInstancesQuery {
  const raw: Record<string, string> = {};
  for (const key of new Set(searchParams.keys())) {
    if (!listRequestKeys.includes(key)) {
      throw new CcBridgeError('INVALID_INPUT', `Invalid list query: unknown parameter "${key}" (known: ${listRequestKeys.join(', ')})`, {
        fieldErrors: { [key]: ['is not a list parameter'] },
      });
    }
    const values = searchParams.getAll(key);
    if (values.length > 1) {
      throw new CcBridgeError('INVALID_INPUT', `Invalid list query: ${key} is given ${values.length} times`, { fieldErrors: { [key]: ['is given more than once'] } });
    }
    if (values[0]) raw[key] = values[0];
  }
  return listQueryOf(parseInput(listRequestQuery, raw, 'list query'));
}

/** What GET /api/instances?ids= answers: the records that still exist, in no particular order. */
export interface InstancesById {
  items: Instance[];
}

/** The most ids one GET /api/instances?ids= may name (the browser asks in chunks of this). */
export const maxIdsPerRequest = 200;

const idsRequest = z.object({ ids: z.string().transform((text) => text.split(',')).pipe(z.array(z.uuid()).min(1).max(maxIdsPerRequest)) }).strict();

/**
 * The ids a GET /api/instances?ids=ID,ID URL asks for: `ids` alone, given once, 1 to 200
 * comma-separated uuids (Instance ids, as the change feed names them). Throws INVALID_INPUT
 * naming the parameter otherwise.
 */
export function parseIdsRequest(searchParams: URLSearchParams): string[] {
  const raw: Record<string, string> = {};
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    if (values.length > 1) {
      throw new CcBridgeError('INVALID_INPUT', `Invalid ids query: ${key} is given ${values.length} times`, { fieldErrors: { [key]: ['is given more than once'] } });
    }
    raw[key] = values[0] ?? '';
  }
  return parseInput(idsRequest, raw, 'ids query').ids;
}

/**
 * The records with these ids as stored (no runtime is asked: a reader of the change feed reads
 * what changed, and the runtimes' changes reach the registry by themselves).
 */
export async function readInstancesByIds(ids: readonly string[]): Promise<InstancesById> {
  const { manager } = await getBridge();
  return { items: await manager.findInstancesByIds(ids) };
}

/** The records /inbox lists (GET /api/inbox), ordered by `sortInbox`. */
export async function readInbox(): Promise<Inbox> {
  const { manager } = await getBridge();
  const { items } = await manager.listInstances({ activity: 'waiting' });
  return { items: sortInbox(items) };
}
