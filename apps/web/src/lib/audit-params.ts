import { parseDuration } from '@cc-bridge/core/duration';
import { createLoader, createParser, createSerializer, parseAsInteger, type inferParserType } from 'nuqs/server';

/** Entries per page of /audit; the CSV export takes every match. */
export const auditPageSize = 50;
const maxFilterLength = 200;

const parseAsFilter = createParser<string>({
  parse: (text) => {
    const value = text.trim();
    return value === '' || value.length > maxFilterLength ? null : value;
  },
  serialize: (value) => value,
});

/** A time bound: a duration back from now (`1h`, `7d`) or a date (`2026-12-01`, ISO time). */
const parseAsTimeBound = createParser<string>({
  parse: (text) => (timeBoundDate(text, new Date()) === null ? null : text.trim()),
  serialize: (value) => value,
});

/** The date a time bound names, or null when it is neither a duration nor a date. */
export function timeBoundDate(text: string, now: Date): Date | null {
  const value = text.trim();
  if (value === '') return null;
  try {
    return new Date(now.getTime() - parseDuration(value));
  } catch {
    const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  }
}

/**
 * The /audit filters as they live in the URL (one set for the page, its filter form and the CSV
 * export): `actor` (any part), `instance` (a name), `action`, `since`/`until` (a duration back
 * from now or a date), `before` (the cursor of older entries). A value that does not parse is left out.
 */
export const auditParsers = {
  actor: parseAsFilter,
  instance: parseAsFilter,
  action: parseAsFilter,
  since: parseAsTimeBound,
  until: parseAsTimeBound,
  before: parseAsInteger,
};
export type AuditParams = inferParserType<typeof auditParsers>;

/** Reads the filters from a page's `searchParams` or a request URL; never throws. */
export const loadAuditParams = createLoader(auditParsers);

/** `base` with the filters' query string, unset ones left out: `/audit?actor=alice`. */
export const serializeAuditParams = createSerializer(auditParsers);

/** What core's listAudit is asked for these filters (without page size). */
export function toAuditQuery(params: AuditParams, now: Date) {
  const since = params.since ? timeBoundDate(params.since, now) : null;
  const until = params.until ? timeBoundDate(params.until, now) : null;
  return {
    ...(params.actor ? { actor: params.actor } : {}),
    ...(params.instance ? { instance: params.instance } : {}),
    ...(params.action ? { action: params.action } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(params.before !== null && params.before > 0 ? { before: params.before } : {}),
  };
}
