import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookCommandLine, installHooks } from '@cc-bridge/core/claude-settings';
import { writeHookReport, type HookPayload } from '@cc-bridge/core/hook-report';
import type { TokenUsage } from '@cc-bridge/core';
import { runDir, serverHome } from './support/env';
import { expect, instancesTable, open, openInstances, rowNames, rowOf, test } from './support/fixtures';

// Agents' activity arrives as Claude Code's hook reports: the tests leave reports in the spool
// folder as the hook command does (core's writeHookReport) and apply them through core. Token
// use comes from a transcript file shaped as Claude Code 2.1.328 writes it.

/** One assistant entry of a transcript, as Claude Code writes it (trimmed). */
function assistantLine(id: string, usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }): string {
  return JSON.stringify({ type: 'assistant', message: { id, role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { ...usage, service_tier: 'standard' } }, apiBlockIndex: 0 });
}

async function fleetTokens(page: import('@playwright/test').Page): Promise<TokenUsage> {
  const response = await page.request.get('/api/fleet');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { tokens: TokenUsage }).tokens;
}

test.describe('agent activity', () => {
  test('the Activity column sorts and filters, the detail page shows the agent, and /instances totals its tokens', async ({ page, uid, registry }) => {
    const prefix = `act-${uid}`;
    const transcript = join(runDir, `${prefix}.jsonl`);
    await openInstances(page, `?search=${prefix}`);
    const before = await fleetTokens(page);

    writeFileSync(
      transcript,
      [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
        assistantLine('msg_1', { input_tokens: 1200, output_tokens: 340, cache_creation_input_tokens: 5600, cache_read_input_tokens: 78000 }),
        // The same reply's second content block repeats its id and usage: counted once.
        assistantLine('msg_1', { input_tokens: 1200, output_tokens: 340, cache_creation_input_tokens: 5600, cache_read_input_tokens: 78000 }),
        assistantLine('msg_2', { input_tokens: 3, output_tokens: 5, cache_creation_input_tokens: 7, cache_read_input_tokens: 11 }),
      ].join('\n') + '\n',
    );
    for (const suffix of ['idle', 'busy', 'waiting']) await registry.createInstance({ name: `${prefix}-${suffix}`, type: 'tmux' });
    const report = (name: string, payload: HookPayload) =>
      writeHookReport(registry.hookSpoolDir, { at: Date.now(), instance: name, tmuxPane: null, tmuxSocket: null, payload });
    report(`${prefix}-idle`, { hook_event_name: 'SessionStart', session_id: '0b7d2a4e-5c1f-4e8a-9d3b-6f2e1a0c9b8d', transcript_path: transcript });
    report(`${prefix}-busy`, { hook_event_name: 'UserPromptSubmit' });
    report(`${prefix}-waiting`, { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } });
    await registry.applyHookReports();

    // The rows follow by push; sorted by name first.
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-busy`, `${prefix}-idle`, `${prefix}-waiting`]);
    // What it waits on shows on hover (the badge's title) and to screen readers.
    await expect(rowOf(page, `${prefix}-waiting`).getByTitle('waiting on Bash: rm -rf build')).toHaveText('waiting: Bash: rm -rf build');
    // Name, type, status, then activity: the badge and since when.
    await expect(rowOf(page, `${prefix}-waiting`).getByRole('cell').nth(3)).toHaveText(/^waiting: Bash: rm -rf build(just now|1 min ago)$/);

    // Sorting: the header is a button named Activity; busy, waiting, idle, exited, unknown.
    const activityHeader = instancesTable(page).getByRole('columnheader').filter({ has: page.getByRole('button', { name: 'Activity' }) });
    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    await expect(page).toHaveURL(/sort=activity/);
    await expect(activityHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-busy`, `${prefix}-waiting`, `${prefix}-idle`]);
    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    await expect(page).toHaveURL(/order=desc/);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-idle`, `${prefix}-waiting`, `${prefix}-busy`]);

    // Filtering, in the URL and done by the server: a fresh load of the link shows the same.
    await page.getByLabel('Activity', { exact: true }).selectOption('waiting');
    await expect(page).toHaveURL(/activity=waiting/);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-waiting`]);
    const api = await page.request.get(`/api/instances?search=${prefix}&activity=idle`);
    expect(((await api.json()) as { items: { name: string }[] }).items.map((item) => item.name)).toEqual([`${prefix}-idle`]);
    const second = await page.context().newPage();
    await open(second, page.url().replace(/^https?:\/\/[^/]+/, ''));
    await expect.poll(() => rowNames(second)).toEqual([`${prefix}-waiting`]);
    await expect(second.getByLabel('Activity', { exact: true })).toHaveValue('waiting');
    await second.close();

    // Fleet totals: this transcript's tokens on top of whatever the registry held before.
    const tokens = page.getByRole('region', { name: 'Token use' });
    const format = (value: number) => new Intl.NumberFormat('en-US').format(value);
    const expected = { input: before.input + 1203, output: before.output + 345, cacheCreation: before.cacheCreation + 5607, cacheRead: before.cacheRead + 78011 };
    await expect(tokens.getByRole('definition').nth(0)).toHaveText(format(expected.input));
    await expect(tokens.getByRole('definition').nth(1)).toHaveText(format(expected.output));
    await expect(tokens.getByRole('definition').nth(2)).toHaveText(format(expected.cacheCreation));
    await expect(tokens.getByRole('definition').nth(3)).toHaveText(format(expected.cacheRead));
    expect(await fleetTokens(page)).toEqual(expected);

    // The detail page: activity, since, Claude's session and transcript, tokens.
    await open(page, `/instances/${prefix}-idle`);
    const field = (label: string) => page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
    await expect(field('Activity')).toHaveText('idle');
    await expect(field('Activity since')).toContainText(/just now|1 min ago/);
    await expect(field('Claude session')).toHaveText('0b7d2a4e-5c1f-4e8a-9d3b-6f2e1a0c9b8d');
    await expect(field('Transcript')).toHaveText(transcript);
    await expect(field('Input tokens')).toHaveText('1,203');
    await expect(field('Output tokens')).toHaveText('345');
    await expect(field('Cache creation tokens')).toHaveText('5,607');
    await expect(field('Cache read tokens')).toHaveText('78,011');
    await open(page, `/instances/${prefix}-waiting`);
    await expect(field('Waiting on')).toHaveText('Bash: rm -rf build');
    await expect(field('Input tokens')).toHaveText(/^—/);
  });

  test('says when the hooks are not installed in the server user’s settings, and not once they are', async ({ page, registry }) => {
    const settings = join(serverHome, '.claude', 'settings.json');
    rmSync(settings, { force: true });
    await openInstances(page);
    const notice = page.getByRole('status').filter({ hasText: "Claude Code's hooks are not installed" });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('cc-bridge hooks install');

    // What `cc-bridge hooks install` writes, for the spool folder this server drains.
    const response = await page.request.get('/api/fleet');
    const spoolDir = registry.hookSpoolDir;
    const script = '/opt/cc-bridge/apps/cli/dist/hook.mjs';
    mkdirSync(join(serverHome, '.claude'), { recursive: true });
    writeFileSync(settings, JSON.stringify(installHooks({}, { command: hookCommandLine({ node: process.execPath, script, spoolDir }), script })));
    expect(((await response.json()) as { hooks: { file: string } }).hooks.file).toBe(settings);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(notice).toHaveCount(0);
    rmSync(settings, { force: true });
  });
});
