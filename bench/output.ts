// Output-follow lag of the dashboard's Output section (issue 10), tmux and Docker, in Chromium:
// the built dashboard (server.ts, on the embedded database in a private folder), a private tmux
// server whose session runs `cat FIFO`, and a test container (no network) running `cat` with its
// stdin open; one detail page per instance, following its output.
//   pnpm bench:output                  (50 lines each)
//   pnpm bench:output --lines 20       (a quick run)
// Needs a dashboard build (pnpm exec turbo run build --filter=@cc-bridge/web), /usr/bin/chromium
// and the Docker Engine.
//
// Clock: per line, the wall clock (Date.now, one clock for this process and the page). It starts
// just before this process writes the line into the instance (the FIFO the pane's `cat` reads; the
// container's stdin, which its `cat` copies to its log) and stops when a MutationObserver on the
// Output section's log sees the line's text (the section draws on an animation frame, so drawing
// is included). Between the two: the instance prints it → core's followOutput (tmux: a capture-pane
// poll every 250 ms; Docker: the Engine's log stream) → server.ts → WebSocket → the page. Lines are
// spaced 100–400 ms apart at random, so they land anywhere in the tmux poll's period. tmux is timed
// twice: finished lines, and lines written without their newline (the line the cursor stands in,
// shown as the Output section's last line), each ended once the page showed it.
/// <reference lib="dom" />
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../apps/web/e2e/support/server.ts';
import { openCcBridge } from '../packages/core/src/cc-bridge.ts';
import { loadConfig } from '../packages/core/src/config.ts';
import { silentLogger } from '../packages/core/src/logger.ts';
import { freePort, runTestContainer, TEST_RUN } from '../packages/core/src/testing/index.ts';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({ options: { lines: { type: 'string', default: '50' } } });
const lineCount = Number(values.lines);
if (!Number.isInteger(lineCount) || lineCount < 1) throw new Error(`--lines wants a whole number ≥ 1, not ${values.lines}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromiumPath = '/usr/bin/chromium';
if (!existsSync(join(root, 'apps', 'web', '.next', 'BUILD_ID'))) throw new Error('no dashboard build: pnpm exec turbo run build --filter=@cc-bridge/web');
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install -y chromium)`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Opens an instance's detail page and waits until its Output section follows. */
async function openOutput(page: Page, url: string, name: string): Promise<void> {
  await page.goto(`${url}/instances/${name}`);
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.getByRole('region', { name: 'Output' }).getByText('Following live').waitFor();
}

/**
 * Writes `lineCount` lines through `write` and returns each one's lag until the page showed it
 * (ms). `isDrawn`: each is written without its newline (the line being drawn), which follows once
 * the page showed it.
 */
async function measure(page: Page, label: string, write: (line: string) => Promise<void>, { isDrawn = false } = {}): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < lineCount; index += 1) {
    const marker = `${label}-line-${String(index)}-end`;
    const seen = page.evaluate(
      (expected) =>
        new Promise<number>((resolve) => {
          const log = document.querySelector('[role="log"]');
          if (!log) throw new Error('no output log on the page');
          const observer = new MutationObserver(() => {
            if (log.textContent.includes(expected)) {
              observer.disconnect();
              resolve(Date.now());
            }
          });
          observer.observe(log, { childList: true, subtree: true, characterData: true });
        }),
      marker,
    );
    // The observer must be in place before the line is written: one round trip to the page first.
    await page.evaluate(() => undefined);
    const writtenAt = Date.now();
    await write(isDrawn ? marker : `${marker}\n`);
    samples.push((await seen) - writtenAt);
    if (isDrawn) await write('\n');
    await sleep(100 + Math.random() * 300);
  }
  return samples;
}

function report(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return `${label.padEnd(7)} median ${ms(percentile(sorted, 50))}   p95 ${ms(percentile(sorted, 95))}   min ${ms(sorted[0] ?? Number.NaN)}   max ${ms(sorted.at(-1) ?? Number.NaN)}`;
}

const folder = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-output-'));
const tmuxSocket = join(folder, 'tmux.sock');
const fifo = join(folder, 'pane.fifo');
const env: Record<string, string> = {
  CC_BRIDGE_DATA_DIR: join(folder, 'db'),
  CC_BRIDGE_TMUX_SOCKET: tmuxSocket,
  CC_BRIDGE_CONFIG: join(folder, 'config.toml'),
  CC_BRIDGE_CONTAINER_LABEL: `cc-bridge-bench-${TEST_RUN}.instance`,
  CC_BRIDGE_OWNER_LINGER: '0',
  CC_BRIDGE_SKIP_DISCOVERY: 'true',
  CC_BRIDGE_LOG_LEVEL: 'warn',
};
await writeFile(env.CC_BRIDGE_CONFIG ?? '', '# bench: everything comes from the environment\n');
let server: RunningServer | undefined;
let container: Awaited<ReturnType<typeof runTestContainer>> | undefined;
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
try {
  await execFile('mkfifo', [fifo]);
  await execFile('tmux', ['-S', tmuxSocket, 'new-session', '-d', '-s', 'bench', '-x', '120', '-y', '30', 'cat', fifo]);
  // Opening for writing waits for the pane's `cat` to open it for reading; held open, so cat never sees the end.
  const pane = await open(fifo, 'w');
  container = await runTestContainer({ name: `cc-bridge-bench-output-${TEST_RUN}`, command: ['cat'], openStdin: true });
  const info = await container.inspect();
  const stdin = await container.attach({ stream: true, stdin: true, hijack: true });

  Object.assign(process.env, env);
  const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'bench', skipStartup: true });
  try {
    await bridge.manager.createInstance({ name: 'bench-tmux', type: 'tmux', tmuxSession: 'bench' });
    await bridge.manager.createInstance({ name: 'bench-docker', type: 'docker', containerId: info.Id, containerName: info.Name.replace(/^\//, '') });
  } finally {
    await bridge.close();
  }
  server = await startServer(await freePort(), env);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

  await openOutput(page, server.url, 'bench-tmux');
  const writePane = async (text: string) => {
    await pane.write(text);
  };
  const tmux = await measure(page, 'tmux', writePane);
  const tmuxDrawn = await measure(page, 'drawn', writePane, { isDrawn: true });
  await openOutput(page, server.url, 'bench-docker');
  const docker = await measure(page, 'docker', (line) => new Promise<void>((resolve, reject) => stdin.write(line, (error) => (error ? reject(error) : resolve()))));
  stdin.end();
  await pane.close();

  process.stdout.write(
    [
      `line written in the instance → shown in the page's Output section, ${String(lineCount)} lines each (target ≤ 500 ms)`,
      report('tmux', tmux),
      `${report('tmux', tmuxDrawn)}   (the line being drawn: written without its newline)`,
      report('docker', docker),
      `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
      '',
    ].join('\n'),
  );
} finally {
  await browser.close();
  await server?.stop();
  await execFile('tmux', ['-S', tmuxSocket, 'kill-server']).catch(() => undefined);
  await container?.remove({ force: true });
  await rm(folder, { recursive: true, force: true });
}
