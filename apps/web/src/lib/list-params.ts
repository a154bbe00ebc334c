import { createLoader, createParser, createSerializer, parseAsStringLiteral, type inferParserType } from 'nuqs/server';
import { z } from 'zod';
import {
  instanceActivities,
  instanceActivity,
  instanceOrigins,
  instanceStatus,
  instanceStatuses,
  instanceTypes,
  listInstancesQuery,
  sortFields,
  sortOrders,
  type InstanceStatus,
  type ListInstancesQuery,
} from './core-schemas';

export const pageSize = 100;
const maxPage = 1_000_000;
const maxSearchLength = 200;

// Comma-separated (`status=running,stopped`); unknown statuses are dropped, duplicates merged, and
// the order is always core's, so one set of statuses has one URL.
const parseAsStatusList = createParser<InstanceStatus[]>({
  parse: (text) => {
    const wanted = new Set(text.split(',').map((part) => part.trim()));
    return instanceStatuses.filter((status) => wanted.has(status));
  },
  serialize: (statuses) => statuses.join(','),
  eq: (a, b) => a.join(',') === b.join(','),
});

const parseAsSearch = createParser<string>({
  parse: (text) => {
    const search = text.trim();
    return search === '' || search.length > maxSearchLength ? null : search;
  },
  serialize: (search) => search,
});

const parseAsPage = createParser<number>({
  parse: (text) => {
    const page = Number(text);
    return Number.isInteger(page) && page >= 1 && page <= maxPage ? page : null;
  },
  serialize: String,
});

/**
 * The /instances view state as it lives in the URL: one set of nuqs parsers for the server page
 * (prefetch) and the client (`useQueryStates`), so both ask core for the same page. A hand-edited
 * or stale link never fails: a value that does not parse reads as its default, and defaults are
 * left out of the URL (shorter, stable links).
 */
export const instanceListParsers = {
  type: parseAsStringLiteral(instanceTypes),
  status: parseAsStatusList.withDefault([]),
  /** One activity (`activity=waiting`); core's list filters on it as `--activity` does. */
  activity: parseAsStringLiteral(instanceActivities),
  origin: parseAsStringLiteral(instanceOrigins),
  search: parseAsSearch,
  sort: parseAsStringLiteral(sortFields).withDefault('name'),
  order: parseAsStringLiteral(sortOrders).withDefault('asc'),
  page: parseAsPage.withDefault(1),
};
/** null: the filter is not set. */
export type InstanceListParams = inferParserType<typeof instanceListParsers>;

export const defaultListParams: InstanceListParams = {
  type: null,
  status: [],
  activity: null,
  origin: null,
  search: null,
  sort: 'name',
  order: 'asc',
  page: 1,
};

/** Reads the view state from a page's `searchParams`, a URLSearchParams or a URL; never throws. */
export const loadListParams = createLoader(instanceListParsers);

/** `base` (a path) with the view state's query string, defaults left out: `/instances?type=tmux`. */
export const serializeListParams = createSerializer(instanceListParsers);

/** What core's listInstances is asked for this view. */
export function toListQuery(params: InstanceListParams): ListInstancesQuery {
  return {
    ...(params.type ? { type: params.type } : {}),
    ...(params.status.length > 0 ? { status: params.status } : {}),
    ...(params.activity ? { activity: [params.activity] } : {}),
    ...(params.origin ? { origin: params.origin } : {}),
    ...(params.search ? { search: params.search } : {}),
    sort: params.sort,
    order: params.order,
    limit: pageSize,
    offset: (params.page - 1) * pageSize,
  };
}

/**
 * GET /api/instances' query: the page URL's parameters, but strict. A program asking the API is
 * told what is wrong (a link shown to a person falls back to defaults instead). The filters are
 * core's own `listInstancesQuery` fields; `status` is comma-separated as in the page URL.
 */
export const listRequestQuery = listInstancesQuery
  .pick({ type: true, status: true, activity: true, origin: true, search: true, sort: true, order: true })
  .extend({
    // Each listed status is checked on its own, so the message names the one that is wrong.
    status: z.preprocess((value) => (typeof value === 'string' ? value.split(',') : value), z.array(instanceStatus).optional()),
    // Several activities as `cc-bridge instances list --activity waiting,idle` asks (any of them); the page URL sets one.
    activity: z.preprocess((value) => (typeof value === 'string' ? value.split(',') : value), z.array(instanceActivity).optional()),
    page: z.coerce.number().int().min(1).max(maxPage).default(1),
  });
export type ListRequestQuery = z.output<typeof listRequestQuery>;

/** The list request's parameter names, in the order a message lists them. */
export const listRequestKeys = Object.keys(instanceListParsers);

/** The query core is asked for a validated list request. */
export function listQueryOf(request: ListRequestQuery): ListInstancesQuery {
  const { page, ...filters } = request;
  return { ...filters, limit: pageSize, offset: (page - 1) * pageSize };
}
