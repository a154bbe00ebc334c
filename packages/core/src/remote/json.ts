import type { Instance, InstanceEvent, TokenUsage } from '../instance.ts';
import type { DeleteResult, StatusResult } from '../reports.ts';

// What /api/v1 answers is core's own types as JSON: dates became ISO strings. These turn them back,
// so a command prints a remote record exactly as it prints a local one.

/** A value as JSON carries it: dates become ISO strings. */
export type Json<T> = T extends Date ? string : T extends (infer Item)[] ? Json<Item>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

const dateOf = (text: string): Date => new Date(text);
const dateOrNull = (text: string | null): Date | null => (text === null ? null : new Date(text));

export function instanceFromJson(json: Json<Instance>): Instance {
  return {
    ...json,
    createdAt: dateOf(json.createdAt),
    updatedAt: dateOf(json.updatedAt),
    lastSeenAt: dateOrNull(json.lastSeenAt),
    lastActivityAt: dateOrNull(json.lastActivityAt),
    activitySince: dateOrNull(json.activitySince),
  };
}

export function statusFromJson(json: Json<StatusResult>): StatusResult {
  return { ...json, instance: instanceFromJson(json.instance), checkedAt: dateOf(json.checkedAt) };
}

export function eventFromJson(json: Json<InstanceEvent>): InstanceEvent {
  return { ...json, at: dateOf(json.at) };
}

export function deleteResultFromJson(json: Json<DeleteResult>): DeleteResult {
  return { ...json, instance: instanceFromJson(json.instance) };
}

/** What GET /api/v1/instances/NAME answers (the dashboard's detail page data), the parts the CLI reads. */
export interface RemoteInstanceDetail {
  instance: Instance;
  status: StatusResult;
  events: InstanceEvent[];
  /** From the agent's transcript, read on the server's host; null when it has none. */
  tokens: TokenUsage | null;
}

export function detailFromJson(json: Json<RemoteInstanceDetail>): RemoteInstanceDetail {
  return { instance: instanceFromJson(json.instance), status: statusFromJson(json.status), events: json.events.map(eventFromJson), tokens: json.tokens };
}
