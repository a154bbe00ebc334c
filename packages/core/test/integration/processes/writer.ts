// One of several processes started at once on one embedded data folder (see shared-database.test.ts).
import { createLogger, loadConfig, openCcBridge } from '../../../src/index.ts';

const [prefix = 'p', countText = '10'] = process.argv.slice(2);
const bridge = await openCcBridge({ config: loadConfig({ dockerEnabled: false }), logger: createLogger('debug'), actor: prefix, skipStartup: true });
try {
  for (let index = 0; index < Number(countText); index++) {
    const name = `${prefix}-${index}`;
    await bridge.manager.createInstance({ name, cwd: `/srv/${name}` });
    await bridge.manager.updateInstance(name, { cwd: `/srv/${name}/updated` }, { expectedVersion: 1 });
  }
  const { total } = await bridge.manager.listInstances({ limit: 1 });
  process.stdout.write(JSON.stringify({ prefix, total }) + '\n');
} finally {
  await bridge.close();
}
