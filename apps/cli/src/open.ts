// The heavy half of the CLI: core's database and runtimes. bridge.ts loads this module with
// import() from inside command actions, so `--help` and usage errors never pay for PGlite,
// Prisma or dockerode (the bundle keeps it in a chunk of its own).
export { openCcBridge, parseLegacyRegistry } from '@cc-bridge/core';
