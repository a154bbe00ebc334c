import { createHash } from 'node:crypto';
import { loadConfig, openCcBridge, silentLogger, type InstanceManager } from '@cc-bridge/core';
import { test as base, expect, type Locator, type Page, type Response } from '@playwright/test';
import { runId, useServerEnv } from './env';

let sequence = 0;

// What Chromium logs when a response's Content-Security-Policy (or Permissions-Policy) refuses
// something the page tried: a script without the nonce, an inline style, a feature it names.
const policyErrors = /Content Security Policy|Permissions-Policy|Refused to (execute|load|apply|connect|frame)/i;

export const test = base.extend<{ uid: string }, { registry: InstanceManager }>({
  /**
   * Every test's page fails the test if the browser refused anything under the dashboard's
   * security headers: the pages must work with the CSP on, not merely render.
   */
  page: async ({ page }, use) => {
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (policyErrors.test(message.text())) refusals.push(message.text());
    });
    await use(page);
    expect(refusals, 'the browser refused something under the security headers').toEqual([]);
  },
  /**
   * The registry the server uses, reached the way a second process reaches it (through the owner's
   * socket): tests seed and change records with core's own API instead of clicking through setup.
   */
  registry: [
    async ({}, use) => {
      useServerEnv();
      const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'e2e', skipStartup: true });
      try {
        await use(bridge.manager);
      } finally {
        await bridge.close();
      }
    },
    { scope: 'worker' },
  ],
  /**
   * A short suffix unique to this test in this run: names never collide with another test's, nor
   * with a repeat's or a retry's (a failure restarts the worker, and its counter with it).
   */
  uid: async ({}, use, testInfo) => {
    sequence += 1;
    await use(`${runId.slice(-5)}w${testInfo.workerIndex}t${sequence}`);
  },
});

export { expect };

/** A container ID of this test's own (64 hex characters): no container has it. */
export function fakeContainerId(uid: string): string {
  return createHash('sha256').update(uid).digest('hex');
}

export function instancesTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Instances' });
}

/** The row whose selection checkbox is named after exactly this instance. */
export function rowOf(page: Page, name: string): Locator {
  return instancesTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
}

/** The instance names in the table, top to bottom. */
export async function rowNames(page: Page): Promise<string[]> {
  const labels = await instancesTable(page).getByRole('checkbox', { name: /^Select (?!all$)/ }).evaluateAll((boxes) =>
    boxes.map((box) => box.getAttribute('aria-label') ?? ''),
  );
  return labels.map((label) => label.replace(/^Select /, ''));
}

/**
 * Opens a page and waits until it is interactive: the server's HTML shows before React hydrates,
 * and a click or keystroke in between would be lost (the app marks <html> once it is hydrated).
 */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

export async function openInstances(page: Page, query = ''): Promise<void> {
  await open(page, `/instances${query}`);
  await expect(instancesTable(page)).toBeVisible();
}

export function dialog(page: Page): Locator {
  return page.getByRole('dialog');
}

/** Toasts live in two live regions (status and alert); this finds one by its text in either. */
export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('[role="status"], [role="alert"]').getByText(text).first();
}

/**
 * Keeps the page's push connection (GET /api/events) from ever opening. With no page listening,
 * the server's live follower does not run, so nothing but the page's own buttons (and its
 * polling) asks the runtimes: for tests of what a button finds. Call before the page loads.
 */
export async function withoutPush(page: Page): Promise<void> {
  await page.route('**/api/events', (route) => route.abort());
}

/** List reads the browser holds back (see holdListReads). */
export interface HeldReads {
  /** Resolves once the page has sent a list read that is now held. */
  firstHeld: Promise<void>;
  /** The URLs of the reads held so far. */
  urls: string[];
  /** Lets every held read (and later ones) through. */
  release: () => void;
}

/**
 * Holds every GET /api/instances the page sends, as a slow server would, until released. The
 * list refreshes statuses on each read, so a test that changes a runtime behind the app's back
 * and then presses a button holds the reads meanwhile: the button, not a poll, finds the change.
 */
export async function holdListReads(page: Page): Promise<HeldReads> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let onHeld = () => {};
  const firstHeld = new Promise<void>((resolve) => (onHeld = resolve));
  const urls: string[] = [];
  await page.route(/\/api\/instances(\?|$)/, async (route) => {
    urls.push(route.request().url());
    onHeld();
    await released;
    // The page may have given up on it meanwhile (a refetch cancels the one in flight).
    await route.continue().catch(() => undefined);
  });
  return { firstHeld, urls, release };
}

/** Resolves with the answer to the next server action the page sends (a POST with `Next-Action`). */
export function nextActionResponse(page: Page, timeout = 10_000): Promise<Response> {
  return page.waitForResponse((response) => response.request().method() === 'POST' && response.request().headers()['next-action'] !== undefined, { timeout });
}
