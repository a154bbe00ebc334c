/**
 * `pnpm demo`: seeds a realistic fleet of real instances (tmux sessions on a private tmux server,
 * containers on the local Docker Engine, without network), walks through the main flows at a
 * human pace in Chromium against the production build, and writes screenshots to <repo>/demo-output/,
 * with a video (walkthrough.webm) when an ffmpeg is there to record it (Debian's: `apt-get install
 * ffmpeg`). Everything it starts is removed at the end.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page, Video } from '@playwright/test';
import { loadConfig, openCcBridge, silentLogger } from '@cc-bridge/core';
import { agentImage, runDir, serverEnv, useServerEnv } from './support/env';
import { ensureAgentImage, killContainer, removeE2eContainers, runLabelledContainer } from './support/docker';
import { useSystemFfmpeg } from './support/ffmpeg';
import { appDir, ensureBuild, startServer } from './support/server';
import { killTmuxServer, killTmuxSession } from './support/tmux';

const outputDir = join(appDir, '..', '..', 'demo-output');
const port = Number(process.env.DEMO_PORT ?? 3920);
const pace = Number(process.env.DEMO_PACE_MS ?? 900);

let shot = 0;
async function screenshot(page: Page, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: join(outputDir, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function seed(): Promise<void> {
  useServerEnv();
  const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'demo', skipStartup: true });
  try {
    const { manager } = bridge;
    for (const [name, cwd] of [
      ['billing-api', '/srv/billing-api'],
      ['docs-site', '/srv/docs-site'],
      ['infra-terraform', '/srv/infra'],
      ['mobile-app', '/srv/mobile-app'],
      ['search-indexer', '/srv/search'],
    ] as const) {
      await mkdir(join(runDir, cwd), { recursive: true });
      await manager.createInstance({ name, type: 'tmux', cwd: join(runDir, cwd) }, { start: true });
    }
    // One session that ended since: it shows stopped after a refresh.
    await manager.createInstance({ name: 'legacy-migration', type: 'tmux' }, { start: true });
    await killTmuxSession('legacy-migration');
    await manager.createInstance({ name: 'payments-worker', type: 'docker', imageName: agentImage }, { start: true });
    const stopped = await runLabelledContainer('claude-reports');
    await manager.createInstance({ name: 'reports', type: 'docker', containerId: stopped.id, containerName: stopped.name, imageName: agentImage });
    await killContainer(stopped.id);
    await manager.refreshStatuses();
  } finally {
    await bridge.close();
  }
  // Labelled containers nobody registered yet: "Discover now" finds them.
  await runLabelledContainer('claude-checkout', 'checkout-service');
  await runLabelledContainer('claude-notifications', 'notifications');
}

async function walkThrough(page: Page): Promise<void> {
  const pause = () => sleep(pace);
  await page.goto('/instances');
  await page.getByRole('table', { name: 'Instances' }).waitFor();
  // Interactive once hydrated (the app marks <html>): a click before that would be lost.
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await pause();
  await screenshot(page, 'instances');

  await page.getByRole('button', { name: 'Discover now' }).click();
  await page.getByText(/Discovery found/).waitFor();
  await pause();
  await screenshot(page, 'discovered');

  await page.getByRole('button', { name: 'Refresh status' }).first().click();
  await page.getByText(/Checked \d+ instances/).waitFor();
  await pause();
  await screenshot(page, 'status-refreshed');

  await page.getByLabel('Type', { exact: true }).selectOption('docker');
  await pause();
  await page.getByRole('group', { name: 'Status' }).getByLabel('running').check();
  await pause();
  await screenshot(page, 'filtered-docker-running');
  await page.getByRole('button', { name: 'Reset filters' }).click();
  await pause();

  await page.getByRole('searchbox', { name: 'Search' }).pressSequentially('bill', { delay: 120 });
  await pause();
  await screenshot(page, 'search');
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await pause();

  for (const name of ['docs-site', 'mobile-app']) await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  await pause();
  await page.getByRole('region', { name: 'Selected instances' }).getByRole('button', { name: 'Delete selected' }).click();
  await page.getByRole('list', { name: 'Will be deleted' }).waitFor();
  await pause();
  await screenshot(page, 'bulk-delete-confirm');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await pause();

  await page.getByRole('table', { name: 'Instances' }).getByRole('button', { name: 'Name' }).click();
  await pause();
  await screenshot(page, 'sorted-by-name-desc');

  await page.getByRole('button', { name: 'New instance' }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel('Name').pressSequentially('9-bad name', { delay: 60 });
  await form.getByRole('button', { name: 'Create' }).click();
  await pause();
  await screenshot(page, 'create-invalid-name');
  await form.getByLabel('Name').fill('');
  await form.getByLabel('Name').pressSequentially('analytics-etl', { delay: 60 });
  await form.getByLabel('Working directory').fill('/tmp');
  await form.getByLabel('Start it now').check();
  await pause();
  await screenshot(page, 'create-form');
  await form.getByRole('button', { name: 'Create' }).click();
  await page.getByText('Created analytics-etl').waitFor();
  await pause();

  const row = page.getByRole('table', { name: 'Instances' }).getByRole('row').filter({ has: page.getByRole('checkbox', { name: 'Select billing-api', exact: true }) });
  await row.getByRole('button', { name: 'Edit' }).click();
  await form.getByLabel('Name').fill('billing-service');
  await pause();
  await screenshot(page, 'edit-rename');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Renamed billing-api to billing-service').waitFor();
  await pause();

  await page.getByRole('link', { name: 'billing-service' }).click();
  await page.getByRole('heading', { level: 1, name: 'billing-service' }).waitFor();
  await pause();
  await screenshot(page, 'detail');

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByLabel('Also kill the tmux session').check();
  await pause();
  await screenshot(page, 'delete-confirm');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('link', { name: 'Instances' }).first().click();
  await page.getByRole('table', { name: 'Instances' }).waitFor();

  await page.getByRole('button', { name: 'Clean up stopped' }).click();
  await page.getByRole('list', { name: 'Will be removed' }).waitFor();
  await pause();
  await screenshot(page, 'cleanup-preview');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await pause();
}

/**
 * A page whose context records a video when Playwright can: recording needs an ffmpeg, Playwright's
 * own build (a separate download) or the system's one put in its place by useSystemFfmpeg.
 */
async function openRecordingPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const viewport = { width: 1440, height: 900 };
  const recording = await browser.newContext({ baseURL, viewport, recordVideo: { dir: join(outputDir, 'video'), size: viewport } });
  try {
    return { context: recording, page: await recording.newPage() };
  } catch (error) {
    if (!(error instanceof Error && /ffmpeg/i.test(error.message))) throw error;
    await recording.close();
    console.warn('demo: no video (Playwright finds no ffmpeg; `apt-get install ffmpeg` provides one); screenshots only');
    const context = await browser.newContext({ baseURL, viewport });
    return { context, page: await context.newPage() };
  }
}

async function main(): Promise<void> {
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  await removeE2eContainers();
  await ensureAgentImage();
  await seed();
  ensureBuild();
  const server = await startServer(port, { ...serverEnv, CC_BRIDGE_SKIP_DISCOVERY: '1' });
  // Before Playwright loads: it reads where its ffmpeg lives once, at load time.
  const ffmpeg = await useSystemFfmpeg(join(runDir, 'playwright'));
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  let videoPath: string | null = null;
  try {
    const { context, page } = await openRecordingPage(browser, server.url);
    let video: Video | null = null;
    try {
      video = page.video();
      await walkThrough(page);
    } catch (error) {
      await page.screenshot({ path: join(outputDir, 'failed.png'), fullPage: true });
      throw error;
    } finally {
      // Closing the context is what finishes the video file.
      await context.close();
    }
    if (video) {
      videoPath = join(outputDir, 'walkthrough.webm');
      await video.saveAs(videoPath);
      await rm(join(outputDir, 'video'), { recursive: true, force: true });
    }

    const dark = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto('/instances');
    await darkPage.getByRole('table', { name: 'Instances' }).waitFor();
    await screenshot(darkPage, 'instances-dark');
    await darkPage.goto('/instances/billing-service');
    await darkPage.getByRole('heading', { level: 1 }).waitFor();
    await screenshot(darkPage, 'detail-dark');
    await dark.close();
  } finally {
    await browser.close();
    await server.stop();
    await removeE2eContainers();
    await killTmuxServer();
    await rm(runDir, { recursive: true, force: true });
  }
  console.log(`demo: screenshots in ${outputDir}`);
  console.log(videoPath ? `demo: video in ${videoPath}${ffmpeg ? ` (recorded with ${ffmpeg})` : ''}` : 'demo: no video was recorded');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
