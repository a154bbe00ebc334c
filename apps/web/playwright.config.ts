import { defineConfig, devices } from '@playwright/test';
import { noDockerPort, noDockerServerEnv, relayedPort, relayedServerEnv, serverEnv, serverHome, storageStates } from './e2e/support/env';

const port = Number(process.env.CC_BRIDGE_E2E_PORT ?? 3917);
const baseURL = `http://127.0.0.1:${port}`;
// `pnpm test:e2e` builds first; E2E_SKIP_BUILD=1 reuses a build made just before (turbo's `build`).
const build = process.env.E2E_SKIP_BUILD === '1' ? '' : 'pnpm exec next build && ';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // One server, one registry, one Docker Engine: tests that clean up or count would trip over each other.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL,
    // Signed in as the main server's admin (global-setup.ts); specs of the other servers use theirs.
    storageState: storageStates.main,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      // Debian's Chromium: Playwright's own browsers cannot be downloaded here.
      executablePath: '/usr/bin/chromium',
      args: ['--disable-dev-shm-usage', '--disable-gpu'],
    },
  },
  // Started in order: the first builds (unless E2E_SKIP_BUILD=1), the others reuse that build.
  webServer: [
    {
      command: `${build}pnpm exec tsx server.ts --hostname 127.0.0.1 --port ${port}`,
      url: `${baseURL}/instances`,
      env: { ...serverEnv, HOME: serverHome, NEXT_TELEMETRY_DISABLED: '1' },
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `pnpm exec tsx server.ts --hostname 127.0.0.1 --port ${noDockerPort}`,
      url: `http://127.0.0.1:${noDockerPort}/instances`,
      env: { ...noDockerServerEnv, NEXT_TELEMETRY_DISABLED: '1' },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `pnpm exec tsx server.ts --hostname 127.0.0.1 --port ${relayedPort}`,
      url: `http://127.0.0.1:${relayedPort}/instances`,
      env: { ...relayedServerEnv, NEXT_TELEMETRY_DISABLED: '1' },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
