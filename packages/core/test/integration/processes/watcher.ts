// Another process watching the registry (see change-feed.test.ts): prints each change as a JSON
// line `{ change, at }` (at: Date.now() when it came); on SIGTERM stops watching, closes, exits 0.
import { createLogger, loadConfig, openCcBridge } from '../../../src/index.ts';

const bridge = await openCcBridge({ config: loadConfig({ dockerEnabled: false }), logger: createLogger('warn'), actor: 'watcher', skipStartup: true });
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
try {
  for await (const change of bridge.watchChanges({ signal: stop.signal })) {
    process.stdout.write(`${JSON.stringify({ change, at: Date.now() })}\n`);
  }
} finally {
  await bridge.close();
}
