import type { DockerHealth, Instance, ListInstancesResult, SerializedError } from '@cc-bridge/core';
import { eventFromJson, instanceFromJson, statusFromJson, type Json } from '@cc-bridge/core/json';
import { ActionError } from './error-messages';
import type { Inbox } from './inbox';
import type { FleetSummary, InstanceDetail, InstancesById } from './reads';

// The dates JSON turned into strings are turned back (core's json.ts, which the CLI's remote mode
// uses too), so the views get core's own types.

function isErrorBody(body: unknown): body is { error: SerializedError } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/**
 * GETs one of the dashboard's own API routes. A plain fetch, not a server action: Next.js runs a
 * page's server actions one at a time, and a poll must never hold a click back. Throws an
 * ActionError with the route's error (`{ error: { code, message } }`) or, when the answer is not
 * the API's (the guard's plain-text refusal, a lost connection), an INTERNAL one saying so.
 */
async function getJson(path: string, signal: AbortSignal | undefined): Promise<unknown> {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: signal ?? null });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ActionError({ code: 'INTERNAL', message: `GET ${path} answered ${response.status}: ${text.slice(0, 200)}` });
  }
  if (!response.ok && isErrorBody(body)) throw new ActionError(body.error);
  if (!response.ok) throw new ActionError({ code: 'INTERNAL', message: `GET ${path} answered ${response.status}` });
  return body;
}

// The bodies are this app's own routes' answers (app/api), typed by the functions that write them.

export async function fetchInstanceList(path: string, signal?: AbortSignal): Promise<ListInstancesResult> {
  const body = await getJson(path, signal);
  const list = body as Json<ListInstancesResult>;
  return { ...list, items: list.items.map(instanceFromJson) };
}

/** null when there is no such instance (the route's 404). */
export async function fetchInstanceDetail(name: string, signal?: AbortSignal): Promise<InstanceDetail | null> {
  try {
    const body = await getJson(`/api/instances/${encodeURIComponent(name)}`, signal);
    const detail = body as Json<InstanceDetail>;
    return { instance: instanceFromJson(detail.instance), status: statusFromJson(detail.status), events: detail.events.map(eventFromJson), audit: detail.audit.map((entry) => ({ ...entry, at: new Date(entry.at) })), tokens: detail.tokens };
  } catch (error) {
    if (error instanceof ActionError && error.error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** GET /api/instances?ids=…: the records that still exist among these ids (at most 200). */
export async function fetchInstancesByIds(ids: readonly string[], signal?: AbortSignal): Promise<Instance[]> {
  const body = await getJson(`/api/instances?ids=${ids.map(encodeURIComponent).join(',')}`, signal);
  return (body as Json<InstancesById>).items.map(instanceFromJson);
}

export async function fetchFleetSummary(signal?: AbortSignal): Promise<FleetSummary> {
  return (await getJson('/api/fleet', signal)) as FleetSummary;
}

export async function fetchDockerHealth(signal?: AbortSignal): Promise<DockerHealth> {
  const body = await getJson('/api/docker/health', signal);
  return body as DockerHealth;
}

/** GET /api/inbox: the waiting instances, longest waiting first. */
export async function fetchInbox(signal?: AbortSignal): Promise<Inbox> {
  const body = await getJson('/api/inbox', signal);
  return { items: (body as Json<Inbox>).items.map(instanceFromJson) };
}
