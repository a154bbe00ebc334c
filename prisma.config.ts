// The Prisma CLI runs offline only with its JavaScript engine and a driver adapter (no engine download on these machines).
// Schema work (`pnpm db:diff`, `prisma migrate diff`) needs no database; anything that does gets
// an in-memory PGlite, and so does the shadow database that `--from-migrations` replays into.
import type { PGlite } from '@electric-sql/pglite';
import { defineConfig } from 'prisma/config';

type Adapter = Awaited<ReturnType<InstanceType<typeof import('pglite-prisma-adapter').PrismaPGlite>['connect']>>;

/**
 * pglite-prisma-adapter 0.6.1 sends a whole migration file as one prepared statement (which PGlite
 * refuses: "cannot insert multiple commands into a prepared statement") and does not await
 * `executeScript`: both go through PGlite's `exec` here.
 */
function runningScripts(adapter: Adapter, db: PGlite): Adapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeScript = async (script) => {
    await db.exec(script);
  };
  adapter.executeRaw = async (query) => (query.args.length > 0 ? executeRaw(query) : ((await db.exec(query.sql)).at(-1)?.affectedRows ?? 0));
  return adapter;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    const db = (cached ??= new PGlite('memory://'));
    const factory = new PrismaPGlite(db);
    factory.connect = async () => runningScripts(await new PrismaPGlite(db).connect(), db);
    factory.connectToShadowDb = async () => {
      const shadow = new PGlite('memory://');
      return runningScripts(await new PrismaPGlite(shadow).connect(), shadow);
    };
    return factory;
  },
});

let cached: PGlite | undefined;
