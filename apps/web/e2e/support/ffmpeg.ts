import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const systemFfmpeg = '/usr/bin/ffmpeg';

const browsersJson = z.object({ browsers: z.array(z.object({ name: z.string(), revision: z.string() })) });

/** The ffmpeg revision this Playwright expects, from playwright-core's browsers.json. */
function ffmpegRevision(): string {
  // pnpm keeps playwright-core out of this package's reach: follow @playwright/test → playwright → playwright-core.
  const fromApp = createRequire(import.meta.url);
  const fromTest = createRequire(fromApp.resolve('@playwright/test/package.json'));
  const fromPlaywright = createRequire(fromTest.resolve('playwright/package.json'));
  const core = dirname(fromPlaywright.resolve('playwright-core/package.json'));
  const { browsers } = browsersJson.parse(JSON.parse(readFileSync(join(core, 'browsers.json'), 'utf8')));
  const ffmpeg = browsers.find((browser) => browser.name === 'ffmpeg');
  if (!ffmpeg) throw new Error(`playwright-core's browsers.json (in ${core}) lists no ffmpeg`);
  return ffmpeg.revision;
}

/**
 * Lets Playwright record video with Debian's ffmpeg (`apt-get install ffmpeg`). Playwright only runs
 * its own ffmpeg build, a download from its CDN that cannot be fetched here, found at
 * `$PLAYWRIGHT_BROWSERS_PATH/ffmpeg-<revision>/ffmpeg-linux`; no setting names another binary. So the
 * variable points at `dir`, where a link of that name leads to the system ffmpeg (5.1 on Debian 12
 * has the VP9 encoder and reads the Matroska/MJPEG stream Playwright pipes to it). Browsers are
 * unaffected: they are launched by explicit `executablePath`.
 *
 * Playwright reads the variable once, when it is first loaded: call this before importing it.
 * Returns the ffmpeg used, or null when there is none (or the caller chose a browsers path already).
 */
export async function useSystemFfmpeg(dir: string): Promise<string | null> {
  if (process.platform !== 'linux' || !existsSync(systemFfmpeg) || process.env.PLAYWRIGHT_BROWSERS_PATH) return null;
  const folder = join(dir, `ffmpeg-${ffmpegRevision()}`);
  await mkdir(folder, { recursive: true });
  await symlink(systemFfmpeg, join(folder, 'ffmpeg-linux'));
  process.env.PLAYWRIGHT_BROWSERS_PATH = dir;
  return systemFfmpeg;
}
