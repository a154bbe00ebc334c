import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { expect, open, test } from './support/fixtures';
import { killTmuxSession } from './support/tmux';

/** The event whose label is exactly `label` (its payload may also mention the word, e.g. `updatedAt`). */
function eventOf(page: Page, label: string): Locator {
  return page.getByRole('list', { name: 'Events' }).getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });
}

test.describe('the event timeline', () => {
  test('summarises each event and keeps the full record behind "All fields"', async ({ page, uid, registry }) => {
    const name = `hist-${uid}`;
    const created = await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
    await registry.updateInstance(name, { cwd: '/var/tmp' });
    await killTmuxSession(name);
    await registry.getInstanceStatus(name, { refresh: true });

    await open(page, `/instances/${name}`);
    const createdEvent = eventOf(page, 'Created');
    await expect(createdEvent).toContainText(`tmux · session ${name}`);
    // The record's id is in the payload, not in the summary.
    await expect(createdEvent.getByText(created.id)).toBeHidden();
    await createdEvent.getByText('All fields').click();
    await expect(createdEvent.getByText(created.id)).toBeVisible();

    const updatedEvent = eventOf(page, 'Updated');
    await expect(updatedEvent).toContainText('cwd: /tmp → /var/tmp');
    await updatedEvent.getByText('All fields').click();
    await expect(updatedEvent.getByText('Before', { exact: true })).toBeVisible();
    await expect(updatedEvent.getByRole('term').filter({ hasText: 'cwd' })).toHaveCount(2);

    await expect(eventOf(page, 'Status changed')).toContainText('running → stopped');
  });

  test('a container record reads as its container and image', async ({ page, uid, registry }) => {
    const name = `boxh-${uid}`;
    await registry.createInstance({
      name,
      type: 'docker',
      containerId: randomBytes(32).toString('hex'),
      containerName: `claude-${uid}`,
      imageName: 'claude-agent:1.2',
    });

    await open(page, `/instances/${name}`);
    await expect(eventOf(page, 'Created')).toContainText(`docker · container claude-${uid} · image claude-agent:1.2`);
  });
});
