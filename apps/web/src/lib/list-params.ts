import { z } from 'zod';
import {
  instanceOrigin,
  instanceStatus,
  instanceStatuses,
  instanceType,
  sortFields,
  sortOrders,
  type ListInstancesQuery,
} from './core-schemas';

export const pageSize = 100;

/** A query-string value as Next hands it to a page (a repeated key arrives as an array). */
type RawParam = string | string[] | null | undefined;

const firstValue = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);
const emptyAsAbsent = (value: unknown): unknown => {
  const first = firstValue(value);
  return first === '' || first === null ? undefined : first;
};

/**
 * The /instances view state as it lives in the URL. One schema for the server page (prefetch)
 * and the client hook, so both ask core for the same page. A hand-edited or stale link never
 * fails: a value that does not parse falls back to its default.
 */
export const instanceListParams = z.object({
  type: z.preprocess(emptyAsAbsent, instanceType.optional()).catch(undefined),
  // Comma-separated (`status=running,stopped`); unknown statuses are dropped, duplicates merged.
  status: z
    .preprocess(
      emptyAsAbsent,
      z
        .string()
        .optional()
        .transform((text) => {
          const wanted = new Set((text ?? '').split(',').map((part) => part.trim()));
          return instanceStatuses.filter((status) => wanted.has(status));
        }),
    )
    .pipe(z.array(instanceStatus))
    .catch([]),
  origin: z.preprocess(emptyAsAbsent, instanceOrigin.optional()).catch(undefined),
  search: z.preprocess(emptyAsAbsent, z.string().trim().max(200).optional()).catch(undefined),
  sort: z.preprocess(emptyAsAbsent, z.enum(sortFields).default('name')).catch('name'),
  order: z.preprocess(emptyAsAbsent, z.enum(sortOrders).default('asc')).catch('asc'),
  page: z.preprocess(emptyAsAbsent, z.coerce.number().int().min(1).max(1_000_000).default(1)).catch(1),
});
export type InstanceListParams = z.output<typeof instanceListParams>;

export const defaultListParams: InstanceListParams = instanceListParams.parse({});

export function parseListParams(raw: Record<string, RawParam> | URLSearchParams): InstanceListParams {
  const record = raw instanceof URLSearchParams ? Object.fromEntries(raw.entries()) : raw;
  return instanceListParams.parse(record);
}

/** The query string for `params`, without the values that are defaults (shorter, stable links). */
export function toSearchParams(params: InstanceListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.type) search.set('type', params.type);
  if (params.status.length > 0) search.set('status', params.status.join(','));
  if (params.origin) search.set('origin', params.origin);
  if (params.search) search.set('search', params.search);
  if (params.sort !== defaultListParams.sort) search.set('sort', params.sort);
  if (params.order !== defaultListParams.order) search.set('order', params.order);
  if (params.page !== 1) search.set('page', String(params.page));
  return search;
}

/** What core's listInstances is asked for this view. */
export function toListQuery(params: InstanceListParams): ListInstancesQuery {
  return {
    ...(params.type ? { type: params.type } : {}),
    ...(params.status.length > 0 ? { status: params.status } : {}),
    ...(params.origin ? { origin: params.origin } : {}),
    ...(params.search ? { search: params.search } : {}),
    sort: params.sort,
    order: params.order,
    limit: pageSize,
    offset: (params.page - 1) * pageSize,
  };
}
