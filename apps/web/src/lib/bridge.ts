import { createLogger, loadConfig, openCcBridge, type CcBridge, type Logger } from '@cc-bridge/core';

// One registry per server process: the embedded database admits one owner, and dev-mode HMR
// re-evaluates modules, so the promise lives on globalThis rather than in a module variable.
const store = globalThis as typeof globalThis & { ccBridge?: Promise<CcBridge>; ccBridgeLogger?: Logger };

/** The server's logger, at the configured level; falls back to warnings when the config is invalid. */
export function getServerLogger(): Logger {
  if (!store.ccBridgeLogger) {
    let level: Parameters<typeof createLogger>[0] = 'warn';
    try {
      level = loadConfig().logLevel;
    } catch {
      // The config error itself surfaces through getBridge(); logging has to work meanwhile.
    }
    store.ccBridgeLogger = createLogger(level);
  }
  return store.ccBridgeLogger;
}

async function open(): Promise<CcBridge> {
  // The dashboard's server is the process that sends `[notify]` transitions (the CLI never does).
  const bridge = await openCcBridge({ config: loadConfig(), logger: getServerLogger(), actor: 'web', notify: true });
  const closeOnExit = () => {
    bridge.close().then(
      () => process.exit(0),
      (error: unknown) => {
        getServerLogger().error('closing the registry failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  // The embedded database holds its folder until closed: close it so the next start finds it clean.
  process.once('SIGTERM', closeOnExit);
  process.once('SIGINT', closeOnExit);
  return bridge;
}

/**
 * The process-wide `CcBridge` (what the CLI opens per command with `withBridge`), opened on first
 * use (instrumentation.ts asks for it at server start, which runs startup discovery once). A
 * failed open is not cached: the next request tries again.
 */
export function getBridge(): Promise<CcBridge> {
  store.ccBridge ??= open().catch((error: unknown) => {
    store.ccBridge = undefined;
    throw error;
  });
  return store.ccBridge;
}
