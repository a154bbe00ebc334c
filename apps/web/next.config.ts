import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Both export TypeScript source (no build step between packages).
  transpilePackages: ['@cc-bridge/core', '@cc-bridge/ui'],
  // PGlite loads its wasm and data files relative to its own module, and the Docker client pulls
  // optional native addons: bundled, they build but fail at run time. The headless terminal's
  // `module` entry names a file its package does not ship: Node loads its `main` instead.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@prisma/adapter-pg',
    '@prisma/client',
    'pg',
    'dockerode',
    '@xterm/headless',
  ],
  poweredByHeader: false,
  // Next.js would answer `/instances/` with a redirect before proxy.ts runs, to any Host and
  // without the security headers; the proxy redirects instead, after its checks.
  skipTrailingSlashRedirect: true,
  reactStrictMode: true,
};

export default nextConfig;
