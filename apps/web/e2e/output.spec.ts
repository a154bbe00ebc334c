import type { Page } from '@playwright/test';
import type { InstanceManager } from '@cc-bridge/core';
import { runTestContainer } from '@cc-bridge/core/testing';
import { e2eLabel, noDockerBaseURL, storageStates } from './support/env';
import { dialog, expect, fakeContainerId, open, openInstances, test, toast } from './support/fixtures';
import { paneText, startShellSession, typeIntoSession, typeKeys } from './support/tmux';
import { handshakeStatus } from './support/websocket';

function outputRegion(page: Page) {
  return page.getByRole('region', { name: 'Output' });
}

/** Opens the detail page and waits until the Output section follows the instance. */
async function openOutput(page: Page, name: string) {
  await open(page, `/instances/${name}`);
  const output = outputRegion(page);
  await expect(output.getByText('Following live')).toBeVisible();
  return output;
}

/** A shell session registered as an instance, having printed `line` (typed as a command) before any page opens. */
async function shellInstance(registry: InstanceManager, name: string, command: string, printed: string) {
  await startShellSession(name);
  await typeIntoSession(name, command);
  await expect.poll(() => paneText(name)).toContain(printed);
  await registry.createInstance({ name, type: 'tmux', tmuxSession: name });
}

test.describe('the Output section', () => {
  test('shows a tmux instance’s recent output in colour and follows what it prints later', async ({ page, uid, registry }) => {
    const name = `out-${uid}`;
    // The command line holds `$((3*4))`; only the output holds `red-12`.
    await shellInstance(registry, name, "printf '\\033[31m%s\\033[0m\\n' red-$((3*4))", 'red-12');

    const output = await openOutput(page, name);
    const red = output.getByText('red-12', { exact: true });
    await expect(red).toBeVisible();
    await expect(red).toHaveCSS('color', 'rgb(204, 0, 0)');

    await typeIntoSession(name, 'echo later-$((5*5))');
    // The follow bound is 500 ms behind; twice that leaves room for a busy machine.
    await expect(output).toContainText('later-25', { timeout: 1_000 });
  });

  test('shows the line being drawn: a bare prompt, keys typed without Enter, then that line once it is finished', async ({ page, uid, registry }) => {
    const name = `drawn-${uid}`;
    // A prompt with no newline after it: until this was fixed the section read "Nothing printed yet".
    const prompt = `ready-${uid}>`;
    await startShellSession(name, { prompt: `${prompt} ` });
    await expect.poll(() => paneText(name)).toContain(prompt);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    const output = await openOutput(page, name);
    const log = output.getByRole('log');
    await expect(log).toContainText(prompt);
    await expect(log).not.toContainText('Nothing printed yet');

    const command = 'echo drawn-$((7*8))';
    await typeKeys(name, command);
    // How fast is bench:output's to measure (target ≤ 500 ms); here only that it shows before Enter.
    await expect(log).toContainText(command);

    await typeIntoSession(name, '');
    await expect(log).toContainText('drawn-56');
    // Several polls later the finished line is still there once, and a fresh prompt is the last line.
    await page.waitForTimeout(1_000);
    const shown = await log.innerText();
    expect(shown.split(command).length - 1).toBe(1);
    expect(shown.split('drawn-56').length - 1).toBe(1);
    expect(shown.trimEnd().split('\n').at(-1)?.trim()).toBe(prompt);
  });

  test('sends a line from the text box and shows it in the output', async ({ page, uid, registry }) => {
    const name = `send-${uid}`;
    await shellInstance(registry, name, 'echo ready', 'ready');

    const output = await openOutput(page, name);
    const box = page.getByLabel('Send to instance');
    await box.fill('echo sent-$((6*7))');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(box).toHaveValue('');
    await expect(output).toContainText('sent-42');
    await expect(output.getByRole('alert')).toHaveCount(0);
  });

  test('shows a container’s logs as they come, and says a container without stdin takes no input', async ({ page, uid, registry }) => {
    const name = `logs-${uid}`;
    const container = await runTestContainer({
      name: `e2e-logs-${uid}`,
      labels: { [e2eLabel]: '1' },
      command: ['sh', '-c', 'echo box-hello; i=0; while sleep 0.2; do i=$((i+1)); echo tick-$i; done'],
    });
    const info = await container.inspect();
    await registry.createInstance({ name, type: 'docker', containerId: info.Id, containerName: `e2e-logs-${uid}` });

    const output = await openOutput(page, name);
    await expect(output).toContainText('box-hello');
    const ticks = async () => ((await output.getByRole('log').innerText()).match(/tick-\d+/g) ?? []).length;
    const seen = await ticks();
    await expect.poll(ticks).toBeGreaterThan(seen + 2);

    const box = page.getByLabel('Send to instance');
    await box.fill('hello');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(output.getByRole('alert')).toContainText('keeps no stdin open');
    await expect(box).toHaveValue('hello');
  });

  test('Pause holds new lines back and Resume shows them', async ({ page, uid, registry }) => {
    const name = `pause-${uid}`;
    await shellInstance(registry, name, 'echo ready', 'ready');

    const output = await openOutput(page, name);
    await output.getByRole('button', { name: 'Pause' }).click();
    await expect(output.getByRole('button', { name: 'Resume' })).toBeVisible();
    await typeIntoSession(name, 'echo held-$((2*3))');
    await expect.poll(() => paneText(name)).toContain('held-6');
    // Well past the follow bound: had it been shown, it would be by now.
    await page.waitForTimeout(1_500);
    await expect(output).not.toContainText('held-6');

    await output.getByRole('button', { name: 'Resume' }).click();
    await expect(output).toContainText('held-6');
  });

  test('Copy puts the shown output on the clipboard', async ({ page, context, uid, registry, baseURL }) => {
    const name = `copy-${uid}`;
    await shellInstance(registry, name, 'echo copied-$((1+1))', 'copied-2');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL ?? '' });

    const output = await openOutput(page, name);
    await expect(output).toContainText('copied-2');
    await output.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('copied-2');
  });

  test('a stopped tmux instance says it is not running, and a send says to start it', async ({ page, uid, registry }) => {
    const name = `idle-${uid}`;
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    await open(page, `/instances/${name}`);
    const output = outputRegion(page);
    await expect(output).toContainText('Not running: it has no tmux session to read from');
    await expect(output).not.toContainText('Could not follow');

    await page.getByLabel('Send to instance').fill('hello');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(output.getByRole('alert')).toContainText('not running');
  });

  test('refuses an output WebSocket from another Origin, for a foreign Host or with a bad query', async ({ uid, registry, baseURL }) => {
    const name = `guard-out-${uid}`;
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });
    const own = new URL(baseURL ?? '');
    const path = (instance: string, query = 'lines=10') => `/api/instances/${instance}/output?${query}`;

    // The same handshake from the dashboard's own origin is accepted: the refusals below are the guard's.
    expect(await handshakeStatus(own.href, path(name), { Origin: own.origin })).toBe(101);
    expect(await handshakeStatus(own.href, path(name), { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(own.href, path(name), {})).toBe(403);
    expect(await handshakeStatus(own.href, path(name), { Host: `rebound.example:${own.port}`, Origin: `http://rebound.example:${own.port}` })).toBe(421);
    expect(await handshakeStatus(own.href, path(name, 'lines=0'), { Origin: own.origin })).toBe(400);
    expect(await handshakeStatus(own.href, path(`nobody-${uid}`), { Origin: own.origin })).toBe(404);
  });
});

test.describe('the Output section without a reachable Docker Engine', () => {
  test.use({ baseURL: noDockerBaseURL, storageState: storageStates.noDocker });

  test('shows the runtime failure, with Reconnect, rather than an empty pane', async ({ page, uid }) => {
    const name = `unreachable-${uid}`;
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Type').selectOption('docker');
    await form.getByLabel('Container ID').fill(fakeContainerId(uid));
    await form.getByLabel('Container name').fill(name);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(toast(page, `Created ${name}`)).toBeVisible();

    await open(page, `/instances/${name}`);
    const output = outputRegion(page);
    await expect(output).toContainText('Could not follow the output. The Docker Engine is not reachable');
    await expect(output.getByRole('button', { name: 'Reconnect' })).toBeVisible();
  });
});
