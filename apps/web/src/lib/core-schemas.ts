// Browser code needs core's zod schemas (the create form validates with the very schema the
// server uses); '@cc-bridge/core' itself also holds the database, tmux and Docker code, which
// must not reach the client bundle, so the browser imports the schemas-only entry point.
export * from '@cc-bridge/core/schemas';
