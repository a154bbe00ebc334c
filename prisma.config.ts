// The Prisma CLI runs offline only with its JavaScript engine and a driver adapter (see STACK.md).
// Schema work (`pnpm db:diff`, `prisma migrate diff`) needs no database; anything that does gets
// an in-memory PGlite, or the PostgreSQL server named by DATABASE_URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    cached ??= new PGlite('memory://');
    return new PrismaPGlite(cached);
  },
});

let cached: import('@electric-sql/pglite').PGlite | undefined;
