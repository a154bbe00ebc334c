import { execFile as execFileCallback } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../src/db/embedded.ts';
import { createLogger } from '../../src/logger.ts';

const execFile = promisify(execFileCallback);
const isRoot = process.getuid?.() === 0;

/** The permission bits of a path (`0o700`), without the file type. */
async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** A logger that keeps its lines, so a test can see the warning it expects. */
function recordingLogger() {
  const lines: string[] = [];
  return { logger: createLogger('warn', (line) => lines.push(line)), lines };
}

/** Whether the unprivileged user `nobody` can do `command` (as root only: runuser needs it). */
async function nobodyCan(command: string[]): Promise<boolean> {
  try {
    await execFile('runuser', ['-u', 'nobody', '--', ...command]);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded data folder is private to its user', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-perm-'));
    // mkdtemp makes 0700 folders, which would hide a loose data folder inside; a home folder
    // is usually 0755, so only the data folder's own rights stand between it and other users.
    await chmod(home, 0o755);
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('creates a new data folder, its database folder and its socket with no rights for group or others', async () => {
    const dataDir = join(home, 'new', 'db');
    const { logger, lines } = recordingLogger();
    const database = await openEmbeddedDatabase(dataDir, logger);
    try {
      await database.pool.query('SELECT 1');
      expect(await modeOf(dataDir)).toBe(0o700);
      expect(await modeOf(join(dataDir, 'pgdata'))).toBe(0o700);
      expect((await modeOf(join(dataDir, '.s.PGSQL.5432'))) & 0o077).toBe(0);
      // A new folder is not news: nothing to warn about.
      expect(lines.join('')).not.toMatch(/permission|rights/i);
      if (isRoot) {
        expect(await nobodyCan(['ls', dataDir])).toBe(false);
        expect(await nobodyCan(['cat', join(dataDir, 'pgdata', 'PG_VERSION')])).toBe(false);
      }
    } finally {
      await database.close();
    }
  });

  it('tightens an existing folder with looser rights, and says so', async () => {
    const dataDir = join(home, 'loose');
    await mkdir(join(dataDir, 'pgdata'), { recursive: true });
    await chmod(dataDir, 0o777);
    await chmod(join(dataDir, 'pgdata'), 0o755);
    await writeFile(join(dataDir, 'notes.txt'), 'left by the user\n');
    const { logger, lines } = recordingLogger();

    const database = await openEmbeddedDatabase(dataDir, logger);
    try {
      await database.pool.query('SELECT 1');
      expect(await modeOf(dataDir)).toBe(0o700);
      expect(await modeOf(join(dataDir, 'pgdata'))).toBe(0o700);
      const warning = lines.find((line) => line.includes(dataDir));
      expect(warning).toMatch(/^cc-bridge warn: /);
      expect(warning).toContain('777');
      if (isRoot) expect(await nobodyCan(['cat', join(dataDir, 'notes.txt')])).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('leaves a folder that is already private alone, without a warning', async () => {
    const dataDir = join(home, 'private');
    await mkdir(dataDir, { mode: 0o700 });
    await chmod(dataDir, 0o700);
    const { logger, lines } = recordingLogger();
    const database = await openEmbeddedDatabase(dataDir, logger);
    try {
      await database.pool.query('SELECT 1');
      expect(await modeOf(dataDir)).toBe(0o700);
      expect(lines).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('says which folder it cannot make, as a DATABASE_ERROR', async () => {
    const file = join(home, 'a-file');
    await writeFile(file, '');
    const opening = openEmbeddedDatabase(join(file, 'db'), recordingLogger().logger);
    await expect(opening).rejects.toMatchObject({ code: 'DATABASE_ERROR', message: expect.stringContaining(join(file, 'db')) });
  });
});
