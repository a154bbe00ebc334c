// Keystroke-to-echo latency of the dashboard's browser terminal (issue 10), over loopback in
// Chromium: the built dashboard (server.ts, on the embedded database in a private folder) with a
// private tmux server whose session runs `sh`, one page with the terminal open.
//   pnpm bench:terminal                  (200 keystrokes)
//   pnpm bench:terminal --keys 50        (a quick run)
// Needs a dashboard build (pnpm exec turbo run build --filter=@cc-bridge/web) and /usr/bin/chromium.
//
// Clock: per keystroke, in the page. It starts at the `keydown` event's timeStamp (the browser's
// own time of the key, before xterm.js sees it) and stops when a MutationObserver on xterm.js's
// rows sees the typed text including that character (xterm.js draws on an animation frame, so
// drawing is included; the screen's own paint is not). Between the two: xterm.js → WebSocket →
// server.ts → PTY → tmux attach client → tmux server → the pane's tty echo → back the same way.
// Keys are letters typed on one line after `: ` (sh's no-op); every 40 keys Enter starts a new
// line (not measured). Other work on the machine shows in the figures: the load average is printed.
/// <reference lib="dom" />
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer, type RunningServer } from '../apps/web/e2e/support/server.ts';
import { openCcBridge } from '../packages/core/src/cc-bridge.ts';
import { loadConfig } from '../packages/core/src/config.ts';
import { silentLogger } from '../packages/core/src/logger.ts';
import { freePort } from '../packages/core/src/testing/index.ts';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({ options: { keys: { type: 'string', default: '200' } } });
const keys = Number(values.keys);
if (!Number.isInteger(keys) || keys < 1) throw new Error(`--keys wants a whole number ≥ 1, not ${values.keys}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromiumPath = '/usr/bin/chromium';
if (!existsSync(join(root, 'apps', 'web', '.next', 'BUILD_ID'))) throw new Error('no dashboard build: pnpm exec turbo run build --filter=@cc-bridge/web');
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install -y chromium)`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const folder = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-terminal-'));
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
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
try {
  await execFile('tmux', ['-S', tmuxSocket, 'new-session', '-d', '-s', 'bench', '-x', '120', '-y', '30', 'sh']);
  Object.assign(process.env, env);
  const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'bench', skipStartup: true });
  try {
    await bridge.manager.createInstance({ name: 'bench', type: 'tmux', tmuxSession: 'bench' });
  } finally {
    await bridge.close();
  }
  server = await startServer(await freePort(), env);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}/instances/bench`);
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.getByRole('button', { name: 'Open terminal' }).click();
  await page.getByText('Attached', { exact: true }).waitFor();
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await terminal.click();

  const samples: number[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let line = '';
  for (let index = 0; index < keys; index += 1) {
    if (index % 40 === 0) {
      if (index > 0) await page.keyboard.press('Enter');
      line = `L${String(index)}-`;
      await page.keyboard.type(`: ${line}`);
      await page.waitForFunction((text) => document.querySelector('.xterm-rows')?.textContent.includes(text), line);
    }
    const letter = letters[index % letters.length] ?? 'a';
    line += letter;
    const echoed = page.evaluate(
      (expected) =>
        new Promise<number>((resolve) => {
          let down = 0;
          document.addEventListener('keydown', (event) => (down = event.timeStamp), { capture: true, once: true });
          const rows = document.querySelector('.xterm-rows');
          if (!rows) throw new Error('no terminal rows');
          const observer = new MutationObserver(() => {
            if (down > 0 && rows.textContent.includes(expected)) {
              observer.disconnect();
              resolve(performance.now() - down);
            }
          });
          observer.observe(rows, { childList: true, subtree: true, characterData: true });
        }),
      line,
    );
    // The listener must be in place before the key is pressed: one round trip to the page first.
    await page.evaluate(() => undefined);
    await page.keyboard.press(letter);
    samples.push(await echoed);
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  process.stdout.write(
    [
      `keystroke → echo in the page, ${String(keys)} keys over loopback (tmux attach in a PTY)`,
      `  median ${ms(percentile(sorted, 50))}   p95 ${ms(percentile(sorted, 95))}   min ${ms(sorted[0] ?? Number.NaN)}   max ${ms(sorted.at(-1) ?? Number.NaN)}`,
      `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
      '',
    ].join('\n'),
  );
} finally {
  await browser.close();
  await server?.stop();
  await execFile('tmux', ['-S', tmuxSocket, 'kill-server']).catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
}
