import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Both export TypeScript source (no build step between packages).
  transpilePackages: ['@cc-bridge/core', '@cc-bridge/ui'],
  // PGlite loads its wasm and data files relative to its own module, and the Docker client pulls
  // optional native addons: bundled, they build but fail at run time.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@prisma/adapter-pg',
    '@prisma/client',
    'pg',
    'dockerode',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
