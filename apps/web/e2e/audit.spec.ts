import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { e2eUsers } from './support/env';
import { dialog, expect, open, test } from './support/fixtures';

// The dashboard acts as the signed-in user (global-setup.ts signs the main server's admin in).
const actor = `user:${e2eUsers.admin.name}`;

function auditTable(page: Page) {
  return page.getByRole('table', { name: 'Audit log' });
}

test.describe('the audit log', () => {
  test('a change made in the UI shows in /audit and on the instance’s page, with its before/after, filtered, and in the CSV', async ({ page, uid, registry }) => {
    const name = `audit-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' });

    await open(page, `/instances/${name}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = dialog(page);
    await form.getByLabel('Working directory').fill('/srv/audited');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    // The instance's own part of the log.
    const own = page.getByRole('region', { name: 'Audit' }).getByRole('table', { name: `Audit log of ${name}` });
    const ownUpdate = own.getByRole('row').filter({ hasText: 'update' });
    await expect(ownUpdate).toContainText('cwd: /tmp → /srv/audited');
    await expect(ownUpdate).toContainText(actor);
    await expect(own.getByRole('row').filter({ hasText: 'create' })).toContainText('e2e');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const filters = page.getByRole('search', { name: 'Audit filters' });
    await filters.getByLabel('Instance').fill(name);
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`instance=${name}`));
    const rows = auditTable(page).getByRole('row').filter({ hasText: name });
    await expect(rows).toHaveCount(2);
    const update = rows.filter({ hasText: 'update' });
    // Who, from where (the browser's address, as server.ts saw it), what.
    await expect(update).toContainText(actor);
    await expect(update).toContainText('127.0.0.1');
    await expect(update).toContainText('cwd: /tmp → /srv/audited');

    await filters.getByLabel('Action').selectOption('create');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/action=create/);
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('e2e');

    await filters.getByLabel('Action').selectOption('');
    await filters.getByLabel('Actor').fill(actor.toUpperCase());
    await filters.getByLabel('Time').selectOption('1h');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`actor=${actor.toUpperCase().replace(':', '(:|%3A)')}`));
    await expect(page).toHaveURL(/since=1h/);
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('update');

    // The export takes the filters of the page: the one update, quoted as CSV quotes JSON.
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('cc-bridge-audit.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('id,at,actor,origin,action,target,instanceId,changes,detail,message');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${actor},127.0.0.1,update,${name},`);
    // The changes as JSON in one quoted field (its quotes doubled); the database keeps JSON keys in its own order.
    expect(lines[1]).toContain('"{""cwd"":{""after"":""/srv/audited"",""before"":""/tmp""}}"');
  });

  test('older entries come a page at a time', async ({ page, uid, registry }) => {
    const name = `many-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' });
    for (let index = 1; index <= 55; index += 1) await registry.updateInstance(name, { cwd: `/tmp/${index}` });

    await open(page, `/audit?instance=${name}`);
    const rows = auditTable(page).getByRole('row').filter({ hasText: name });
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText('cwd: /tmp/54 → /tmp/55');
    await page.getByRole('link', { name: 'Older entries' }).click();
    await expect(rows).toHaveCount(6);
    await expect(rows.last()).toContainText('create');
    await expect(page.getByRole('link', { name: 'Older entries' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Newest entries' }).click();
    await expect(rows).toHaveCount(50);
  });
});
