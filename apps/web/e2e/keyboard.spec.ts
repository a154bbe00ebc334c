import type { Locator, Page } from '@playwright/test';
import { dialog, expect, instancesTable, openInstances, rowOf, test, toast } from './support/fixtures';

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

test('shortcuts on /instances: / searches, j and k move, x selects, Enter opens, ? lists them', async ({ page, uid, registry }) => {
  const names = [`ks-a-${uid}`, `ks-b-${uid}`, `ks-c-${uid}`];
  for (const name of names) await registry.createInstance({ name });
  await openInstances(page, `?search=ks-&sort=name&order=asc`);
  await expect(rowOf(page, names[2] ?? '')).toBeVisible();
  const search = page.getByLabel('Search');

  // `/` focuses the search box, and the slash itself is not typed into it.
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('ks-');
  // While typing, the letters are text: `j` and `x` neither move nor select.
  await page.keyboard.type(`j${uid}x`);
  await expect(search).toHaveValue(`j${uid}x`);
  await expect(instancesTable(page).locator('tr[data-focused]')).toHaveCount(0);
  await search.fill(uid);
  await expect(page).toHaveURL(new RegExp(`search=${uid}`));
  await expect(rowOf(page, names[0] ?? '')).toBeVisible();
  await search.blur();

  // j moves onto the first row, then down; k back up; the row holds the browser's focus.
  await page.keyboard.press('j');
  await expect(rowOf(page, names[0] ?? '')).toBeFocused();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(rowOf(page, names[2] ?? '')).toBeFocused();
  // The last row stays the last.
  await page.keyboard.press('j');
  await expect(rowOf(page, names[2] ?? '')).toBeFocused();
  await page.keyboard.press('k');
  await expect(rowOf(page, names[1] ?? '')).toBeFocused();

  // x ticks the focused row and unticks it again.
  const checkbox = page.getByRole('checkbox', { name: `Select ${names[1]}`, exact: true });
  await page.keyboard.press('x');
  await expect(checkbox).toBeChecked();
  await expect(page.getByRole('region', { name: 'Selected instances' })).toContainText('1 selected');
  await page.keyboard.press('x');
  await expect(checkbox).not.toBeChecked();

  // ? lists the shortcuts; Escape closes the list, and keys do nothing while it is open.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const text of ['Focus the search box', 'Next row', 'Previous row', 'Open the focused row', 'Select or unselect the focused row']) {
    await expect(help).toContainText(text);
  }
  await page.keyboard.press('x');
  await expect(checkbox).not.toBeChecked();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Enter opens the focused row.
  await rowOf(page, names[1] ?? '').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/instances/${names[1]}$`));
  await expect(page.getByRole('heading', { level: 1, name: names[1] })).toBeVisible();
});
