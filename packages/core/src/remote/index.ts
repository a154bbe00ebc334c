// The CLI's way to a team server: light (no database, no runtimes), so `--server` never loads them.
export { checkServerUrl, isLoopbackHost, type ServerAddress } from './server-url.ts';
export { RemoteRegistry, type RegistryOperations, type RemoteRegistryOptions } from './remote-registry.ts';
export { instanceFromJson, statusFromJson, eventFromJson, type Json, type RemoteInstanceDetail } from './json.ts';
