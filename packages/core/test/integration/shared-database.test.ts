import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, openCcBridge, silentLogger } from '../../src/index.ts';

const execFile = promisify(execFileCallback);
const writer = join(import.meta.dirname, 'processes', 'writer.ts');

describe('one embedded data folder, several processes', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-shared-'));
    env = { ...process.env, HOME: home, CC_BRIDGE_DATA_DIR: join(home, 'db'), CC_BRIDGE_DOCKER_ENABLED: '0', DATABASE_URL: '' };
    delete env.DATABASE_URL;
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('keeps every write of processes started at once, and the data opens cleanly afterwards', async () => {
    const prefixes = ['alpha', 'beta', 'gamma'];
    const runs = await Promise.all(
      prefixes.map((prefix) => execFile(process.execPath, ['--import', 'tsx', writer, prefix, '15'], { env, timeout: 90_000 })),
    );
    for (const run of runs) expect(JSON.parse(run.stdout)).toHaveProperty('total');

    const bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, skipStartup: true });
    try {
      const { items, total } = await bridge.manager.listInstances();
      expect(total).toBe(45);
      for (const prefix of prefixes) {
        const mine = items.filter((instance) => instance.name.startsWith(`${prefix}-`));
        expect(mine).toHaveLength(15);
        for (const instance of mine) expect(instance).toMatchObject({ version: 2, cwd: `/srv/${instance.name}/updated` });
      }
      const events = await bridge.manager.listEvents('beta-7');
      expect(events.map((event) => [event.kind, event.actor])).toEqual([['created', 'beta'], ['updated', 'beta']]);
    } finally {
      await bridge.close();
    }
  });

  it('lets a second process work while the first holds the folder open', async () => {
    const owner = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, skipStartup: true });
    try {
      const before = (await owner.manager.listInstances()).total;
      const { stdout } = await execFile(process.execPath, ['--import', 'tsx', writer, 'second', '3'], { env, timeout: 60_000 });
      expect(JSON.parse(stdout)).toEqual({ prefix: 'second', total: before + 3 });
      expect((await owner.manager.getInstanceOrThrow('second-2')).version).toBe(2);
    } finally {
      await owner.close();
    }
  });
});
