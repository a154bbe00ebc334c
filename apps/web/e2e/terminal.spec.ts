import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { getTestDockerClient } from '@cc-bridge/core/testing';
import { containerState, runLabelledContainer } from './support/docker';
import { serverEnv, storageStates } from './support/env';
import { expect, open, test } from './support/fixtures';
import { hasTmuxSession, startShellSession } from './support/tmux';
import { cookieHeader } from './support/sessions';
import { handshakeStatus as websocketHandshake } from './support/websocket';

const execFile = promisify(execFileCallback);
const tmuxSocket = serverEnv.CC_BRIDGE_TMUX_SOCKET ?? '';

/** The attach clients tmux has on a session: one per open terminal. */
async function attachedClients(name: string): Promise<number> {
  const { stdout } = await execFile('tmux', ['-S', tmuxSocket, 'list-clients', '-t', `=${name}`, '-F', '#{client_pid}']);
  return stdout.split('\n').filter(Boolean).length;
}

/** The commands running in a container (`docker top`'s last column). */
async function containerCommands(id: string): Promise<string[]> {
  // dockerode types `top()` as any: a list of rows whose last column is the command.
  const top = (await getTestDockerClient().getContainer(id).top()) as { Processes: string[][] };
  return top.Processes.map((row) => row.at(-1) ?? '');
}

async function openTerminal(page: Page, name: string) {
  await open(page, `/instances/${name}`);
  await page.getByRole('button', { name: 'Open terminal' }).click();
  const terminal = page.getByRole('region', { name: 'Terminal' });
  await expect(page.getByText('Attached', { exact: true })).toBeVisible();
  return terminal;
}

/** What the terminal shows, row by row, as xterm.js draws it. */
function screenText(page: Page): Promise<string> {
  return page.getByRole('region', { name: 'Terminal' }).locator('.xterm-rows').innerText();
}

async function typeLine(page: Page, text: string): Promise<void> {
  await page.getByRole('region', { name: 'Terminal' }).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** The last `COLS=N` the shell printed. */
async function lastCols(page: Page): Promise<number | null> {
  const matches = [...(await screenText(page)).matchAll(/COLS=(\d+)/g)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? null : Number(last);
}

/** A handshake to the terminal endpoint from Node; resolves with the HTTP status. */
function handshakeStatus(name: string, headers: Record<string, string>, query = 'mode=ro'): Promise<number> {
  return websocketHandshake(test.info().project.use.baseURL ?? '', `/api/instances/${name}/terminal?${query}`, headers);
}

/** Opens the terminal socket from Node as the page does; resolves with the first notice and the close code. */
function toldRefusal(name: string): Promise<{ notice: string; code: number }> {
  const baseURL = new URL(test.info().project.use.baseURL ?? '');
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${baseURL.host}/api/instances/${name}/terminal?mode=ro`, { headers: { Origin: baseURL.origin, Cookie: cookieHeader(storageStates.main) } });
    let notice = '';
    socket.on('message', (data, isBinary) => {
      if (!isBinary) notice ||= Buffer.isBuffer(data) ? data.toString('utf8') : '';
    });
    socket.on('close', (code) => resolve({ notice, code }));
    socket.on('error', reject);
  });
}

test.describe('the terminal', () => {
  test('types into a tmux instance and shows the echo', async ({ page, uid, registry }) => {
    const name = `term-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    await openTerminal(page, name);
    const marker = `hi-${String(Math.floor(Math.random() * 1e9))}`;
    await typeLine(page, `echo ${marker}-$((6*7))`);
    await expect.poll(() => screenText(page)).toContain(`${marker}-42`);
  });

  test('follows the viewport: tput cols changes when the page is resized', async ({ page, uid, registry }) => {
    const name = `cols-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    await openTerminal(page, name);
    await typeLine(page, 'echo COLS=$(tput cols)');
    await expect.poll(() => lastCols(page)).not.toBeNull();
    const wide = await lastCols(page);
    await page.setViewportSize({ width: 700, height: 900 });
    await typeLine(page, 'clear; echo COLS=$(tput cols)');
    await expect.poll(() => lastCols(page)).not.toBe(wide);
    expect(await lastCols(page)).toBeLessThan(wide ?? 0);
  });

  test('two pages on one instance see each other’s typing', async ({ page, context, uid, registry }) => {
    const name = `pair-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    const other = await context.newPage();
    await openTerminal(page, name);
    await openTerminal(other, name);
    await expect.poll(() => attachedClients(name)).toBe(2);

    await typeLine(page, 'echo from-first-$((1+1))');
    await expect.poll(() => screenText(other)).toContain('from-first-2');
    await typeLine(other, 'echo from-second-$((2+1))');
    await expect.poll(() => screenText(page)).toContain('from-second-3');
    await other.close();
  });

  test('a read-only terminal shows the session but sends nothing', async ({ page, context, uid, registry }) => {
    const name = `ro-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    await open(page, `/instances/${name}`);
    await page.getByLabel('Read-only').check();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect(page.getByText('Attached, read-only')).toBeVisible();
    await typeLine(page, 'echo typed-read-only');

    const writer = await context.newPage();
    await openTerminal(writer, name);
    await typeLine(writer, 'echo writer-$((3+4))');
    await expect.poll(() => screenText(page)).toContain('writer-7');
    expect(await screenText(page)).not.toContain('typed-read-only');
    await writer.close();
  });

  test('a container instance’s terminal runs ls /', async ({ page, uid, registry }) => {
    const name = `box-${uid}`;
    const container = await runLabelledContainer(`e2e-term-${uid}`);
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: container.name });

    await openTerminal(page, name);
    await typeLine(page, 'ls /; echo listed-$((5*5))');
    await expect.poll(() => screenText(page)).toContain('listed-25');
    expect(await screenText(page)).toMatch(/\bproc\b[\s\S]*\bsys\b|\bsys\b[\s\S]*\bproc\b/);
    expect(await containerCommands(container.id)).toContain('sh');

    // Closing ends the terminal's shell (the Engine would leave it running), never the container.
    await page.getByRole('button', { name: 'Close terminal' }).click();
    await expect.poll(() => containerCommands(container.id)).not.toContain('sh');
    expect(await containerState(container.id)).toBe('running');
  });

  test('closing the page detaches its client and leaves the session running', async ({ browser, uid, registry }) => {
    const name = `keep-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });

    const page = await browser.newPage();
    await openTerminal(page, name);
    await expect.poll(() => attachedClients(name)).toBe(1);
    await page.close();

    await expect.poll(() => attachedClients(name)).toBe(0);
    expect(await hasTmuxSession(name)).toBe(true);
  });

  test('refuses a WebSocket from another Origin or for a foreign Host', async ({ uid, registry }) => {
    const name = `guard-${uid}`;
    await startShellSession(name);
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });
    const own = new URL(test.info().project.use.baseURL ?? '');

    // The same handshake from the dashboard's own origin is accepted: the refusals below are the guard's.
    expect(await handshakeStatus(name, { Origin: own.origin })).toBe(101);
    expect(await handshakeStatus(name, { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(name, { Origin: `http://localhost:${String(Number(own.port) + 100)}` })).toBe(403);
    expect(await handshakeStatus(name, {})).toBe(403);
    expect(await handshakeStatus(name, { Host: `rebound.example:${own.port}`, Origin: `http://rebound.example:${own.port}` })).toBe(421);
    expect(await handshakeStatus(name, { Origin: own.origin }, 'mode=admin')).toBe(400);
    // A sound request for an instance that cannot be attached is answered over the socket, where a page can read why.
    expect(await toldRefusal(`nobody-${uid}`)).toEqual({ notice: JSON.stringify({ type: 'error', message: `no instance named nobody-${uid}` }), code: 4404 });
  });

  test('a stopped tmux instance’s terminal says why it cannot attach', async ({ page, uid, registry }) => {
    const name = `gone-${uid}`;
    await registry.createInstance({ name, type: 'tmux', tmuxSession: name });
    await open(page, `/instances/${name}`);
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect(page.getByText(`Detached: "${name}" is not running: no tmux session named ${name}; start it first`)).toBeVisible();
  });

  test('a stopped container’s terminal says why it cannot attach', async ({ page, uid, registry }) => {
    const name = `halted-${uid}`;
    const container = await runLabelledContainer(`e2e-term-halted-${uid}`);
    await getTestDockerClient().getContainer(container.id).stop({ t: 0 });
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: container.name });

    await open(page, `/instances/${name}`);
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect(page.getByText(/^Detached: .*(not running|is not running)/i)).toBeVisible();
  });
});
