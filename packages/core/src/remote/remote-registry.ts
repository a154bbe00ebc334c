import pLimit from 'p-limit';
import { z } from 'zod';
import { CcBridgeError, errorCodes, isCcBridgeError, serializeError } from '../errors.ts';
import {
  listInstancesQuery,
  type AnswerChoice,
  type CreateInstanceInput,
  type Instance,
  type InstanceEvent,
  type ListInstancesQuery,
  type ListInstancesResult,
  type UpdateInstancePatch,
} from '../instance.ts';
import type { InstanceManager } from '../instance-manager.ts';
import type { Answered, AnswerOptions } from '../registry/answer.ts';
import { bulkConcurrency, bulkOperation, bulkTarget, defaultBulkConcurrency, type BulkOperation, type BulkOptions, type BulkResult, type BulkTarget } from '../registry/bulk.ts';
import type { InputSent, SendOptions } from '../registry/io.ts';
import type { ActorOption, CreateOptions, DeleteOptions, DeleteResult, DiscoveryReport, StatusResult, UpdateOptions } from '../reports.ts';
import { parseInput } from '../validation.ts';
import { deleteResultFromJson, detailFromJson, eventFromJson, instanceFromJson, type Json, type RemoteInstanceDetail } from './json.ts';

/**
 * The operations of `InstanceManager` a team server's REST API (/api/v1) serves: what the CLI may
 * do with `--server`. `RemoteRegistry` implements them over HTTP, `InstanceManager` itself
 * locally, so a command is written once against this type.
 */
export type RegistryOperations = Pick<
  InstanceManager,
  | 'listInstances'
  | 'getInstanceOrThrow'
  | 'getInstanceStatus'
  | 'listEvents'
  | 'createInstance'
  | 'updateInstance'
  | 'deleteInstance'
  | 'startInstance'
  | 'stopInstance'
  | 'restartInstance'
  | 'runBulk'
  | 'answer'
  | 'sendInput'
  | 'refreshDiscovery'
>;

/** The API's page size (apps/web list-params.ts): a list reads pages until it has them all. */
const apiPageSize = 100;

/** A request longer than this is given up (ms): an answer waits on the prompt at most seconds, a start on the runtime's bounds. */
const requestTimeoutMs = 120_000;

/** Every refused request's body (apps/web api-response.ts). */
const errorBody = z.object({
  error: z.object({ code: z.enum(errorCodes), message: z.string(), fieldErrors: z.record(z.string(), z.array(z.string())).optional() }),
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RemoteRegistryOptions {
  /** The server's base URL, checked by `checkServerUrl` (no trailing slash). */
  base: string;
  /** A bearer token (`cc-bridge tokens create`); its user's role decides what the server allows. */
  token: string;
  /** The fetch to use; the global one unless told (tests of pure parts may pass their own). */
  fetch?: typeof fetch;
}

/**
 * The registry on a team server, through its REST API /api/v1 with a bearer token. Each method
 * answers what the `InstanceManager` method of the same name answers (dates as Dates), and a
 * refusal is the server's own `CcBridgeError` (its code and message: UNAUTHENTICATED, FORBIDDEN,
 * NOT_FOUND, CONFLICT, INVALID_INPUT with `fieldErrors` …). A server that cannot be reached or
 * answers something that is not the API's JSON is INTERNAL, naming the URL. `actor` options are
 * ignored: the server records the token's user.
 */
export class RemoteRegistry implements RegistryOperations {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(options: RemoteRegistryOptions) {
    this.#base = options.base;
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
  }

  /** All the records the filters match (the API's pages read in turn), in the query's order; then `offset`/`limit` if given. */
  async listInstances(query: ListInstancesQuery = {}): Promise<ListInstancesResult> {
    const valid = parseInput(listInstancesQuery, query, 'list query');
    if (valid.cursor !== undefined) throw new CcBridgeError('INVALID_INPUT', 'a cursor is not available with --server', { fieldErrors: { cursor: ['is not available with --server'] } });
    const params = new URLSearchParams();
    if (valid.type) params.set('type', valid.type);
    if (valid.status) params.set('status', valid.status.join(','));
    if (valid.activity) params.set('activity', valid.activity.join(','));
    if (valid.origin) params.set('origin', valid.origin);
    if (valid.search) params.set('search', valid.search);
    params.set('sort', valid.sort);
    params.set('order', valid.order);
    const items: Instance[] = [];
    for (let page = 1; ; page += 1) {
      params.set('page', String(page));
      const answer = (await this.#request('GET', `/instances?${params}`)) as Json<ListInstancesResult>;
      items.push(...answer.items.map(instanceFromJson));
      if (answer.items.length < apiPageSize || items.length >= answer.matched) {
        const offset = valid.offset ?? 0;
        const wanted = items.slice(offset, valid.limit === undefined ? undefined : offset + valid.limit);
        return { items: wanted, matched: answer.matched, total: answer.total, nextCursor: null };
      }
    }
  }

  /** The record with its live status, its history and its agent's token use (read on the server). */
  async getInstanceDetail(name: string): Promise<RemoteInstanceDetail> {
    return detailFromJson((await this.#request('GET', instancePath(name))) as Json<RemoteInstanceDetail>);
  }

  async getInstanceOrThrow(name: string): Promise<Instance> {
    return (await this.getInstanceDetail(name)).instance;
  }

  /** The status the server reports (its runtime's, at most its status cache old): `refresh` is the server's call. */
  async getInstanceStatus(name: string, _options: { refresh?: boolean } = {}): Promise<StatusResult> {
    return (await this.getInstanceDetail(name)).status;
  }

  async listEvents(name: string): Promise<InstanceEvent[]> {
    const answer = (await this.#request('GET', `${instancePath(name)}/events`)) as { items: Json<InstanceEvent>[] };
    return answer.items.map(eventFromJson);
  }

  async createInstance(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
    return instanceFromJson((await this.#request('POST', '/instances', { start: options.start === true, fields: input })) as Json<Instance>);
  }

  /** Without `expectedVersion`, the version read just before: a change by someone else in between is still CONFLICT. */
  async updateInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<Instance> {
    const version = options.expectedVersion ?? (await this.getInstanceOrThrow(name)).version;
    return instanceFromJson((await this.#request('PATCH', instancePath(name), { ...patch, version })) as Json<Instance>);
  }

  async deleteInstance(name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const query = options.removeRuntime === true ? '?removeRuntime=true' : '';
    return deleteResultFromJson((await this.#request('DELETE', `${instancePath(name)}${query}`)) as Json<DeleteResult>);
  }

  startInstance(name: string, _options: ActorOption = {}): Promise<Instance> {
    return this.#act(name, 'start');
  }

  stopInstance(name: string, _options: ActorOption = {}): Promise<Instance> {
    return this.#act(name, 'stop');
  }

  restartInstance(name: string, _options: ActorOption = {}): Promise<Instance> {
    return this.#act(name, 'restart');
  }

  async answer(name: string, choice: AnswerChoice, options: AnswerOptions = {}): Promise<Answered> {
    const body = { choice, ...(options.message === undefined ? {} : { message: options.message }) };
    return (await this.#request('POST', `${instancePath(name)}/answer`, body)) as Answered;
  }

  async sendInput(name: string, text: string, options: SendOptions = {}): Promise<InputSent> {
    return (await this.#request('POST', `${instancePath(name)}/send`, { text, enter: options.enter ?? true })) as InputSent;
  }

  async refreshDiscovery(_options: ActorOption = {}): Promise<DiscoveryReport> {
    return (await this.#request('POST', '/discovery')) as DiscoveryReport;
  }

  /**
   * One operation over many records, a request per record (the API has no bulk route), at most
   * `concurrency` at once; results in the target's order, as core's `runBulk` answers them. A
   * record's refusal is its result; a server that cannot be reached, or refuses the token, stops
   * the run. A failed start/stop/restart reports the status read before it (the server's answer
   * to a refusal carries no status).
   */
  async runBulk(target: BulkTarget, operation: BulkOperation, options: BulkOptions = {}): Promise<BulkResult[]> {
    const validTarget = parseInput(bulkTarget, target, 'bulk target');
    const validOperation = parseInput(bulkOperation, operation, 'bulk operation');
    const limit = pLimit(options.concurrency === undefined ? defaultBulkConcurrency : parseInput(bulkConcurrency, options.concurrency, 'concurrency'));
    const names = 'names' in validTarget ? uniqueNames(validTarget.names) : (await this.listInstances(validTarget.query)).items.map((instance) => instance.name);
    return Promise.all(
      names.map((name) =>
        limit(async (): Promise<BulkResult> => {
          let before: StatusResult;
          try {
            before = await this.getInstanceStatus(name);
          } catch (error) {
            return failedRecord(name, null, error);
          }
          const statusBefore = before.instance.status;
          try {
            switch (validOperation.kind) {
              case 'refreshStatus':
                return { name, ok: before.error === null, status: before.status, statusBefore, error: before.error };
              case 'delete':
                await this.deleteInstance(name, { removeRuntime: validOperation.removeRuntime });
                return { name, ok: true, status: statusBefore, statusBefore, error: null };
              case 'start':
              case 'stop':
              case 'restart': {
                const instance = await this.#act(name, validOperation.kind);
                return { name, ok: true, status: instance.status, statusBefore, error: null };
              }
              default: {
                const never: never = validOperation;
                throw new CcBridgeError('INVALID_INPUT', `unknown bulk operation ${JSON.stringify(never)}`);
              }
            }
          } catch (error) {
            return failedRecord(name, statusBefore, error);
          }
        }),
      ),
    );
  }

  async #act(name: string, action: 'start' | 'stop' | 'restart'): Promise<Instance> {
    return instanceFromJson((await this.#request('POST', `${instancePath(name)}/${action}`)) as Json<Instance>);
  }

  /** One request to /api/v1; the answer's JSON, or the server's error as a CcBridgeError. */
  async #request(method: Method, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.#base}/api/v1${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'error',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      throw new CcBridgeError('INTERNAL', `cannot reach the team server at ${this.#base}: ${networkReason(error)}`, { cause: error });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CcBridgeError('INTERNAL', `${method} ${url} answered ${response.status} ${response.statusText}, not the API's JSON: ${text.slice(0, 200)}`);
    }
    if (response.ok) return json;
    const refusal = errorBody.safeParse(json);
    if (!refusal.success) throw new CcBridgeError('INTERNAL', `${method} ${url} answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
    const { code, message, fieldErrors } = refusal.data.error;
    throw new CcBridgeError(code, remoteMessage(code, message, this.#base), fieldErrors === undefined ? {} : { fieldErrors });
  }
}

function instancePath(name: string): string {
  return `/instances/${encodeURIComponent(name)}`;
}

/** Each name once, in any case (the first spelling given stands for the others), as core's runBulk. */
function uniqueNames(names: readonly string[]): string[] {
  const spellings = new Map<string, string>();
  for (const name of names) if (!spellings.has(name.toLowerCase())) spellings.set(name.toLowerCase(), name);
  return [...spellings.values()];
}

/** A record's refusal as its bulk result; anything else (no server, a token refused) stops the run. */
function failedRecord(name: string, status: BulkResult['status'], error: unknown): BulkResult {
  if (!isCcBridgeError(error) || ['UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL'].includes(error.code)) throw error;
  return { name, ok: false, status, statusBefore: status, error: serializeError(error) };
}

/** A refused token is the CLI's setting to fix: say where it comes from. */
function remoteMessage(code: string, message: string, base: string): string {
  if (code === 'UNAUTHENTICATED') return `${base}: ${message}; check CC_BRIDGE_TOKEN, [server] token or token_file, or --token-stdin`;
  return message;
}

/** fetch's "fetch failed" hides why in its cause (ECONNREFUSED, a certificate it could not verify …). */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer in ${requestTimeoutMs / 1000} s`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? `${cause.code} (${cause.message})` : cause.message;
  return error instanceof Error ? error.message : String(error);
}
