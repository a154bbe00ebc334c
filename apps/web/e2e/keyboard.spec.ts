import type { Locator, Page } from '@playwright/test';
import { dialog, expect, instancesTable, openInstances, test, toast } from './support/fixtures';

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** A visible focus indicator: an outline or a ring (box-shadow) on the focused element. */
async function hasVisibleFocus(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element) return false;
    const style = getComputedStyle(element);
    return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
  });
}

test('every main control is reached with Tab, shows focus, and works from the keyboard', async ({ page, uid, registry }) => {
  await registry.createInstance({ name: `kb-a-${uid}` });
  await registry.createInstance({ name: `kb-b-${uid}` });
  await openInstances(page, `?search=kb-`);

  const targets = new Map<string, Locator>([
    ['New instance', page.getByRole('button', { name: 'New instance' })],
    ['Discover now', page.getByRole('button', { name: 'Discover now' })],
    ['Search', page.getByLabel('Search')],
    ['Type', page.getByLabel('Type', { exact: true })],
    ['Status: running', page.getByRole('group', { name: 'Status' }).getByLabel('running')],
    ['Name header', page.getByRole('button', { name: 'Name', exact: true })],
    ['row checkbox', page.getByRole('checkbox', { name: `Select kb-a-${uid}`, exact: true })],
  ]);
  const reached = new Set<string>();
  for (let step = 0; step < 80 && reached.size < targets.size; step++) {
    await page.keyboard.press('Tab');
    for (const [name, locator] of targets) {
      if (!reached.has(name) && (await isFocused(locator))) {
        reached.add(name);
        expect(await hasVisibleFocus(page), `${name} shows focus`).toBe(true);
      }
    }
  }
  expect([...reached].sort()).toEqual([...targets.keys()].sort());

  // Sorting from the keyboard.
  await page.getByRole('button', { name: 'Name', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(instancesTable(page).getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/order=desc/);

  // Creating from the keyboard: open, type, submit with Enter; Escape closes a dialog.
  await page.getByRole('button', { name: 'New instance' }).focus();
  await page.keyboard.press('Enter');
  const form = dialog(page);
  await expect(form).toBeVisible();
  await form.getByLabel('Name').focus();
  await page.keyboard.type(`kb-c-${uid}`);
  await page.keyboard.press('Enter');
  await expect(toast(page, `Created kb-c-${uid}`)).toBeVisible();

  await page.getByRole('button', { name: 'New instance' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toHaveCount(0);
});
