/**
 * `pnpm measure`: the figures issue 3 asks for, on 5,000 instance records.
 *   1. core's list query (filtered + sorted + first page of 100), as the server runs it: median, p95;
 *   2. navigation to /instances until the table shows rows, in Chromium on the production build;
 *   3. going through the whole list: scrolling a 100-row page, and paging through all 50 pages.
 * Runs on its own embedded database in a temporary folder; prints the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from '@playwright/test';
import { loadConfig, openCcBridge, silentLogger, type ImportRecord, type InstanceStatus, type ListInstancesQuery } from '@cc-bridge/core';
import { ensureBuild, startServer } from './support/server';

const recordCount = 5_000;
const queryRuns = 200;
const navigationRuns = 15;
const port = Number(process.env.MEASURE_PORT ?? 3919);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const ms = (value: number) => `${value.toFixed(1)} ms`;
const summary = (values: number[]) => `median ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))} (n=${values.length})`;

/** A fleet that looks like a real one: mostly tmux, a third Docker, a mix of statuses and ages. */
function seedRecords(): ImportRecord[] {
  const statuses: InstanceStatus[] = ['running', 'running', 'running', 'stopped', 'stopped', 'created', 'unknown', 'error'];
  const projects = ['billing', 'search', 'docs', 'infra', 'mobile', 'payments', 'auth', 'analytics', 'web', 'api'];
  const now = Date.now();
  return Array.from({ length: recordCount }, (_, index) => {
    const isDocker = index % 3 === 0;
    const project = projects[index % projects.length] ?? 'misc';
    const name = `${project}-${String(index).padStart(5, '0')}`;
    const hex = index.toString(16).padStart(12, '0');
    return {
      name,
      type: isDocker ? 'docker' : 'tmux',
      status: statuses[(index * 7) % statuses.length] ?? 'running',
      createdAt: new Date(now - index * 60_000),
      lastActivityAt: new Date(now - (index % 500) * 30_000),
      tmuxSession: isDocker ? null : name,
      pid: isDocker ? null : 10_000 + index,
      cwd: isDocker ? null : `/home/dev/src/${project}`,
      containerId: isDocker ? `${hex}${'a'.repeat(52)}` : null,
      containerName: isDocker ? `claude-${name}` : null,
      imageName: isDocker ? 'claude-code:latest' : null,
      dockerNetwork: isDocker ? 'none' : null,
    };
  });
}

async function timeNavigation(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.getByRole('table', { name: 'Instances' }).getByRole('row').nth(1).getByRole('link').waitFor();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-measure-'));
  const env: Record<string, string> = {
    CC_BRIDGE_DATA_DIR: join(dir, 'db'),
    CC_BRIDGE_TMUX_SOCKET: join(dir, 'tmux.sock'),
    CC_BRIDGE_CONFIG: join(dir, 'config.toml'),
    // Measuring the list, not Docker: the 5,000 records are not real containers.
    CC_BRIDGE_DOCKER_ENABLED: '0',
    CC_BRIDGE_SKIP_DISCOVERY: '1',
    CC_BRIDGE_LOG_LEVEL: 'warn',
  };
  await writeFile(env.CC_BRIDGE_CONFIG ?? '', '');
  Object.assign(process.env, env);

  try {
    // 1. The query, in-process on the embedded database, as the server's manager runs it.
    const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'measure', skipStartup: true });
    const seedStarted = performance.now();
    const report = await bridge.manager.importInstances(seedRecords());
    console.log(`seeded ${report.imported.length} records in ${ms(performance.now() - seedStarted)}`);

    const query: ListInstancesQuery = { type: 'tmux', status: ['running', 'stopped'], search: 'bill', sort: 'lastSeenAt', order: 'desc', limit: 100, offset: 0 };
    const plain: ListInstancesQuery = { sort: 'name', order: 'asc', limit: 100, offset: 0 };
    for (let i = 0; i < 20; i += 1) await bridge.manager.listInstances(query); // warm-up
    const filtered: number[] = [];
    const unfiltered: number[] = [];
    for (let i = 0; i < queryRuns; i += 1) {
      let started = performance.now();
      const result = await bridge.manager.listInstances(query);
      filtered.push(performance.now() - started);
      if (i === 0) console.log(`filtered query matched ${result.matched} of ${result.total}`);
      started = performance.now();
      await bridge.manager.listInstances(plain);
      unfiltered.push(performance.now() - started);
    }
    await bridge.close();

    // 2 and 3. The production build in Chromium; the server owns the database now.
    ensureBuild();
    const server = await startServer(port, env);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-dev-shm-usage', '--disable-gpu'] });
    try {
      const listUrl = `${server.url}/instances?type=tmux&status=running,stopped&search=bill&sort=lastSeenAt&order=desc`;
      const navigation: number[] = [];
      const warmPage = await browser.newPage();
      await timeNavigation(warmPage, listUrl); // the server's first render compiles nothing, but warms its caches
      await warmPage.close();
      for (let i = 0; i < navigationRuns; i += 1) {
        // A fresh context each time: no cached scripts, like a first visit.
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        navigation.push(await timeNavigation(page, listUrl));
        await context.close();
      }

      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await timeNavigation(page, `${server.url}/instances`);
      // Scrolling a full page of 100 rows, one wheel step a frame, timing each frame.
      const frames = await page.evaluate(async () => {
        const times: number[] = [];
        let last = performance.now();
        window.scrollTo(0, 0);
        while (window.scrollY + window.innerHeight < document.documentElement.scrollHeight - 1) {
          window.scrollBy(0, 120);
          await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        return times;
      });
      // Paging through every page of the list: Next, until the first row changes.
      const pages: number[] = [];
      const next = page.getByRole('navigation', { name: 'Pagination' }).getByRole('button', { name: 'Next' });
      const firstRow = page.getByRole('table', { name: 'Instances' }).getByRole('row').nth(1).getByRole('link');
      const pageCount = Math.ceil(recordCount / 100);
      const wholeListStarted = performance.now();
      for (let index = 1; index < pageCount; index += 1) {
        const before = await firstRow.textContent();
        const started = performance.now();
        await next.click();
        await page.waitForFunction(
          (previous) => document.querySelector('table[aria-label="Instances"] tbody tr a')?.textContent !== previous,
          before,
        );
        pages.push(performance.now() - started);
      }
      const wholeList = performance.now() - wholeListStarted;

      console.log('');
      console.log(`list query, ${recordCount} records, filtered (type, 2 statuses, search) + sorted (last seen desc) + first page of 100:`);
      console.log(`  ${summary(filtered)}   target p95 <= 50 ms`);
      console.log(`list query, unfiltered, sorted by name, first page of 100:`);
      console.log(`  ${summary(unfiltered)}`);
      console.log(`navigation -> table shows rows (production build, Chromium, fresh context each time):`);
      console.log(`  ${summary(navigation)}   target <= 1500 ms`);
      console.log(`scrolling a 100-row page: ${frames.length} frames, ${summary(frames)}`);
      console.log(`paging through all ${pageCount} pages (${recordCount} rows): ${ms(wholeList)} in all; per page ${summary(pages)}`);
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
