// Load on the REST API (issue 11, "Measure"): the built dashboard (server.ts, on the embedded
// database in a private folder, a private tmux server, Docker off) and `--clients` concurrent
// clients on loopback for `--seconds`, each with a bearer token of its role from the one token
// helper (apps/web/e2e/support/api-token.ts): 2 in 5 viewers, 2 in 5 operators, 1 in 5 admins.
//   pnpm bench:api                          (50 clients, 60 s)
//   pnpm bench:api --clients 10 --seconds 5 (a quick run)
// Needs a dashboard build (pnpm exec turbo run build --filter=@cc-bridge/web).
//
// Each client loops without pause over: list (GET /instances?search=…&status=…, 40 %), detail
// (GET /instances/{name}, 30 %) and a mutation (30 %): an operator or admin PATCHes its own record
// with the version it last read (expected 200; each client owns one record, so a 409 would be
// a real fault), a viewer tries to create one (expected 403 FORBIDDEN). Every answer is checked
// against what its kind and role expect: anything else counts as an error and its status, code
// and message are printed. Latency: wall clock (performance.now()) from the request's send to the
// end of its body, in this process, which shares the 2 cores with the server.
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Role } from '../packages/core/src/auth/roles.ts';
import { apiToken } from '../apps/web/e2e/support/api-token.ts';
import { startServer, type RunningServer } from '../apps/web/e2e/support/server.ts';
import { addUser, e2eUsers } from '../apps/web/e2e/support/users.ts';
import { freePort, TEST_RUN } from '../packages/core/src/testing/index.ts';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({ options: { clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '60' } } });
function wholeNumber(flag: keyof typeof values): number {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} wants a whole number ≥ 1, not ${values[flag]}`);
  return value;
}
const clients = wholeNumber('clients');
const durationMs = wholeNumber('seconds') * 1000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'apps', 'web', '.next', 'BUILD_ID'))) throw new Error('no dashboard build: pnpm exec turbo run build --filter=@cc-bridge/web');

type Kind = 'list' | 'detail' | 'mutation';
/** What one answer was: its kind, its latency (ms), and null or why it was not what was expected. */
interface Sample {
  kind: Kind;
  role: Role;
  ms: number;
  /** The role's expected refusal (a viewer's mutation → 403 FORBIDDEN), when it was one. */
  refused: boolean;
  unexpected: string | null;
}

const roleOf = (client: number): Role => (['viewer', 'viewer', 'operator', 'operator', 'admin'] as const)[client % 5] ?? 'viewer';
const prefix = `bench-${TEST_RUN}`;
const recordName = (client: number) => `${prefix}-c${client}`;

async function call(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body: unknown = await response.json();
  return { status: response.status, body, ms: performance.now() - started };
}

function describe(status: number, body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } }).error;
  return `${status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim();
}

/** One client's loop until `deadline`: its samples. */
async function runClient(api: string, client: number, deadline: number): Promise<Sample[]> {
  const role = roleOf(client);
  const token = await apiToken(role, env);
  const samples: Sample[] = [];
  let version = 1;
  let turn = 0;
  while (performance.now() < deadline) {
    turn += 1;
    const pick = (client * 7 + turn * 13) % 10;
    if (pick < 4) {
      const { status, body, ms } = await call(`${api}/instances?search=${prefix}&status=stopped,created&sort=name&page=1`, token);
      const items = (body as { items?: unknown[] }).items;
      samples.push({ kind: 'list', role, ms, refused: false, unexpected: status === 200 && Array.isArray(items) && items.length === Math.min(clients, 100) ? null : describe(status, body) });
    } else if (pick < 7) {
      const { status, body, ms } = await call(`${api}/instances/${recordName(client)}`, token);
      samples.push({ kind: 'detail', role, ms, refused: false, unexpected: status === 200 ? null : describe(status, body) });
    } else if (role === 'viewer') {
      const { status, body, ms } = await call(`${api}/instances`, token, { method: 'POST', body: { start: false, fields: { name: `${prefix}-v${client}t${turn}`, type: 'tmux' } } });
      const code = (body as { error?: { code?: string } }).error?.code;
      const refused = status === 403 && code === 'FORBIDDEN';
      samples.push({ kind: 'mutation', role, ms, refused, unexpected: refused ? null : describe(status, body) });
    } else {
      const { status, body, ms } = await call(`${api}/instances/${recordName(client)}`, token, { method: 'PATCH', body: { version, cwd: `/tmp/turn-${turn}` } });
      if (status === 200) version = (body as { version: number }).version;
      samples.push({ kind: 'mutation', role, ms, refused: false, unexpected: status === 200 ? null : describe(status, body) });
    }
  }
  return samples;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

const folder = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-api-'));
const tmuxSocket = join(folder, 'tmux.sock');
const env: Record<string, string> = {
  CC_BRIDGE_DATA_DIR: join(folder, 'db'),
  CC_BRIDGE_TMUX_SOCKET: tmuxSocket,
  CC_BRIDGE_CONFIG: join(folder, 'config.toml'),
  CC_BRIDGE_DOCKER_ENABLED: 'false',
  CC_BRIDGE_OWNER_LINGER: '0',
  CC_BRIDGE_SKIP_DISCOVERY: 'true',
  CC_BRIDGE_LOG_LEVEL: 'warn',
};
await writeFile(env.CC_BRIDGE_CONFIG ?? '', '# bench: everything comes from the environment\n');
let server: RunningServer | undefined;
try {
  server = await startServer(await freePort(), env);
  const api = `${server.url}/api/v1`;
  // The token helper's users, one per role, on this server.
  for (const role of ['viewer', 'operator', 'admin'] as const) await addUser(env, e2eUsers[role], role);
  const operator = await apiToken('operator', env);
  for (let client = 0; client < clients; client += 1) {
    const created = await call(`${api}/instances`, operator, { method: 'POST', body: { start: false, fields: { name: recordName(client), type: 'tmux', cwd: '/tmp' } } });
    if (created.status !== 201) throw new Error(`seeding ${recordName(client)}: ${describe(created.status, created.body)}`);
  }
  process.stderr.write(`run ${TEST_RUN}: ${clients} clients for ${durationMs / 1000} s against ${api}\n`);
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  const samples = (await Promise.all(Array.from({ length: clients }, (_, client) => runClient(api, client, deadline)))).flat();
  const elapsedS = (performance.now() - started) / 1000;

  const lines = [`${samples.length} requests in ${elapsedS.toFixed(1)} s (${(samples.length / elapsedS).toFixed(0)}/s), ${clients} clients`];
  for (const kind of ['list', 'detail', 'mutation'] as const) {
    const ofKind = samples.filter((sample) => sample.kind === kind);
    const sorted = ofKind.map((sample) => sample.ms).sort((a, b) => a - b);
    const errors = ofKind.filter((sample) => sample.unexpected !== null).length;
    lines.push(`${kind.padEnd(9)} n ${String(ofKind.length).padStart(6)}   p50 ${percentile(sorted, 50).toFixed(0)} ms   p95 ${percentile(sorted, 95).toFixed(0)} ms   max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms   unexpected ${errors}`);
  }
  const viewerMutations = samples.filter((sample) => sample.kind === 'mutation' && sample.role === 'viewer');
  const refused = samples.filter((sample) => sample.refused).length;
  lines.push(`refused: ${refused} of ${viewerMutations.length} viewer mutations, each 403 FORBIDDEN; no other call was refused unless listed below`);
  const unexpected = new Map<string, number>();
  for (const sample of samples) if (sample.unexpected !== null) unexpected.set(`${sample.kind}: ${sample.unexpected}`, (unexpected.get(`${sample.kind}: ${sample.unexpected}`) ?? 0) + 1);
  lines.push(unexpected.size === 0 ? 'unexpected answers: 0' : `unexpected answers:\n${[...unexpected].map(([what, count]) => `  ${count} × ${what}`).join('\n')}`);
  lines.push(`load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (unexpected.size > 0) process.exitCode = 1;
} finally {
  await server?.stop();
  await execFile('tmux', ['-S', tmuxSocket, 'kill-server']).catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
}
