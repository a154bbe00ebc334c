import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { appDir } from './server';

const nextDir = join(appDir, '.next');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(nextDir, path), 'utf8'));
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null) throw new Error(`${what} is not an object: has the build layout changed?`);
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]));
}

/**
 * A URL for a route pattern: route groups and parallel-route slots leave the path, and every
 * dynamic segment (`[name]`, `[...parts]`, `[[...parts]]`) becomes `segmentValue`.
 */
function pathOf(route: string, segmentValue: string): string {
  const segments = route
    .split('/')
    .filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment) && !segment.startsWith('@'))
    .map((segment) => (/^\[.*\]$/.test(segment) ? encodeURIComponent(segmentValue) : segment));
  return `/${segments.join('/')}`;
}

export interface ServerAction {
  id: string;
  name: string;
  /** A page that loads the action: a server action is a POST to such a page. */
  path: string;
}

export interface EntryPoints {
  /** Every app route (pages and route handlers) and pages-router route, as a URL. */
  routes: string[];
  actions: ServerAction[];
  /** A few built assets, which the proxy guards too. */
  assets: string[];
}

/**
 * Every way into the built app, read from the manifests `next build` writes, so a route or
 * server action added later is covered without editing a test. Dynamic segments are filled in
 * with `segmentValue`.
 */
export function readEntryPoints(segmentValue: string): EntryPoints {
  // "/instances/[name]/page" → "/instances/[name]"; route handlers end in /route.
  const appRoutes = stringRecord(readJson('app-path-routes-manifest.json'), 'app-path-routes-manifest.json');
  const pagesRoutes = Object.keys(stringRecord(readJson('server/pages-manifest.json'), 'pages-manifest.json'));
  const routes = [...new Set([...Object.values(appRoutes), ...pagesRoutes].map((route) => pathOf(route, segmentValue)))].sort();

  const references = readJson('server/server-reference-manifest.json') as Record<string, unknown>;
  const actions: ServerAction[] = [];
  for (const runtime of ['node', 'edge']) {
    const entries = (references[runtime] ?? {}) as Record<string, { exportedName?: string; workers?: Record<string, unknown> }>;
    for (const [id, entry] of Object.entries(entries)) {
      // Workers are named after the page's bundle: "app/instances/page" → the route of "/instances/page".
      // An action of the root layout (Sign out) is in every page's bundle, /_not-found's too, whose
      // answer is a 404 whatever the action says: a real page is the one to post to.
      const workers = Object.keys(entry.workers ?? {});
      const worker = workers.find((name) => !name.includes('_not-found')) ?? workers[0];
      const route = worker === undefined ? undefined : appRoutes[worker.replace(/^app/, '')];
      if (route === undefined) throw new Error(`server action ${id} (${entry.exportedName ?? '?'}) has no page in app-path-routes-manifest.json`);
      actions.push({ id, name: entry.exportedName ?? id, path: pathOf(route, segmentValue) });
    }
  }

  const chunks = readdirSync(join(nextDir, 'static', 'chunks'));
  const assets = ['.js', '.css']
    .map((extension) => chunks.find((file) => file.endsWith(extension)))
    .filter((file): file is string => file !== undefined)
    .map((file) => `/_next/static/chunks/${file}`);
  return { routes, actions, assets };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends one request exactly as given: Node's http client lets a test set the Host header, which
 * fetch() and a browser never would (that is what DNS rebinding gets around).
 */
export function sendRaw(
  baseURL: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  // The path goes out as written: `//x/` is a path here, not a link to host x.
  const target = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: options.method,
        path: options.path,
        // Node sends a DELETE's or OPTIONS's body without framing unless told its length.
        headers: { ...options.headers, ...(options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) }) },
        timeout: 30_000,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${options.method} ${options.path} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/**
 * Opens a response that may never end (an event stream): resolves with its status, headers and
 * the first chunk of its body (empty when it ended without one), then drops the connection.
 */
export function openStream(baseURL: string, options: { path: string; headers?: Record<string, string> }): Promise<RawResponse> {
  const target = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: 'GET', path: options.path, headers: options.headers, timeout: 30_000 },
      (response) => {
        const done = (body: string) => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          outgoing.destroy();
        };
        response.once('data', (part: Buffer) => done(part.toString('utf8')));
        response.once('end', () => done(''));
        response.on('error', () => undefined);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${options.path} sent nothing in time`)));
    outgoing.on('error', (error) => reject(error));
    outgoing.end();
  });
}
