export * from './instance.ts';
export * from './errors.ts';
export * from './reports.ts';
export { loadConfig, defaultImagePatterns, type Config, type ConfigOverrides } from './config.ts';
export { checkRequest, parseHost, loopbackHostNames, type GuardedRequest, type GuardVerdict, type HostEntry } from './request-guard.ts';
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger.ts';
export { openCcBridge, type CcBridge, type OpenOptions } from './cc-bridge.ts';
export type { AuthService, Authorization, CreatedToken, NewTokenInput, Principal, RenewedSession, SignInResult, TokenSummary, UserSummary } from './auth/service.ts';
export { roleAllows, roles, type Role } from './auth/roles.ts';
export { ChangeFeed, type WatchOptions } from './changes/change-feed.ts';
export { changesChannel, decodeChangePayload, encodeChangePayload, type Change } from './changes/payload.ts';
export { InstanceManager, type InstanceManagerDeps } from './instance-manager.ts';
export { LiveFollower, type LiveFollowerOptions, type LiveListener, type LiveRegistryPort, type LiveState } from './live/live-follower.ts';
export { runtimeEventName, type ContainerChangesReport, type Reachability } from './live/live-registry.ts';
export { defaultBackoff, type BackoffOptions } from './live/reconnect.ts';
export {
  bulkOperation,
  bulkTarget,
  defaultBulkConcurrency,
  type BulkOperation,
  type BulkOptions,
  type BulkResult,
  type BulkTarget,
} from './registry/bulk.ts';
export { instanceAction, type InstanceAction } from './registry/actions.ts';
export type { InputSent, SendOptions } from './registry/io.ts';
export type { AnswerOptions, Answered } from './registry/answer.ts';
export { defaultStatusMaxAgeMs } from './registry/status-policy.ts';
export { parseInput } from './validation.ts';
export { statusFromContainerState, statusFromTmuxSession } from './runtimes/runtime.ts';
export { parseDuration } from './duration.ts';
export { parseLegacyRegistry, type LegacyParseResult } from './import/legacy.ts';
export type {
  ContainerAction,
  ContainerChange,
  FollowOutputOptions,
  ObservedAll,
  ReadOutputOptions,
  Runtime,
  RuntimeChange,
  SendInputOptions,
  TerminalCommand,
} from './runtimes/instance-runtime.ts';
export type { OutputUpdate } from './runtimes/output-update.ts';
export { readClaudeScreen, type ScreenActivity, type ScreenChoice, type ScreenReading } from './activity/screen-rules.ts';
export {
  defaultHookGraceMs,
  defaultScreenHoldMs,
  emptyScreenHold,
  holdScreenReading,
  standingActivity,
  type HeldActivity,
  type HookReport,
  type ScreenHold,
  type StandingActivity,
} from './activity/screen-activity.ts';
export { TranscriptUsageReader, UsageTally, addTokens, noTokens, usageOfTranscriptLine } from './activity/transcript-usage.ts';
export { actingAs, caller, currentCaller, type Caller } from './audit/caller.ts';
export {
  auditActions,
  auditOfEvent,
  auditQuery,
  diffFields,
  maxAuditPage,
  recordAudit,
  type AuditChanges,
  type AuditEntry,
  type AuditInput,
  type AuditPage,
  type AuditQuery,
  type FieldChange,
} from './audit/audit-log.ts';
export { retentionActor, type RetentionReport } from './registry/retention.ts';
