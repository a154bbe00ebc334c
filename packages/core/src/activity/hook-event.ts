// What a Claude Code hook call says of its agent: the activity it moves to, and why. Pure; the
// order of events in one turn with a permission prompt is SessionStart → UserPromptSubmit →
// PreToolUse → PermissionRequest → Notification(permission_prompt) → (answer) → PostToolUse → Stop.
import { z } from 'zod';
import type { InstanceActivity } from '../instance.ts';

const text = z.string().max(10_000);

/** A spool file's content, as hook-report.ts writes it. Unknown payload keys are dropped. */
export const hookReportSchema = z.object({
  at: z.number().int().nonnegative(),
  instance: z.string().min(1).max(200).nullable(),
  tmuxPane: z.string().regex(/^%\d+$/).nullable(),
  tmuxSocket: z.string().max(4096).nullable().default(null),
  payload: z.object({
    hook_event_name: text,
    session_id: text.optional(),
    transcript_path: text.optional(),
    tool_name: text.optional(),
    tool_input: z.record(z.string(), text).optional(),
    message: text.optional(),
    notification_type: text.optional(),
  }),
});
export type ValidHookReport = z.output<typeof hookReportSchema>;
type Payload = ValidHookReport['payload'];

/** The hook events cc-bridge installs a command for (all of them change or confirm the activity). */
export const reportedHookEvents = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PermissionRequest',
  'PostToolUse',
  'Notification',
  'Stop',
  'SessionEnd',
] as const;

/** What one hook call means for its agent; null: nothing (an event that says nothing of the activity). */
export interface ActivityChange {
  activity: InstanceActivity;
  /** For `waiting`: what it asks; null otherwise. */
  reason: string | null;
}

/** Notification types that mean the agent waits for a person (an `idle_prompt` does not: Stop said idle). */
const waitingNotifications = new Set(['permission_prompt', 'elicitation_dialog']);

/** `Bash: rm -rf build`: the tool and the one input that says what it will do. */
function describeToolCall(payload: Payload): string {
  const tool = payload.tool_name ?? 'a tool';
  const input = payload.tool_input ?? {};
  const detail = input.command ?? input.file_path ?? input.url ?? input.pattern ?? input.description;
  return detail === undefined ? tool : `${tool}: ${detail}`;
}

/**
 * The activity a hook event moves its agent to: SessionStart and Stop → idle; UserPromptSubmit,
 * PreToolUse, PostToolUse → busy; PermissionRequest → waiting on the tool call; a Notification of
 * type permission_prompt or elicitation_dialog → waiting on its message; SessionEnd → exited.
 * SubagentStop (a subagent's turn, not the agent's) and unknown events → null.
 */
export function activityChangeOf(payload: Payload): ActivityChange | null {
  switch (payload.hook_event_name) {
    case 'SessionStart':
    case 'Stop':
      return { activity: 'idle', reason: null };
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
      return { activity: 'busy', reason: null };
    case 'PermissionRequest':
      return { activity: 'waiting', reason: describeToolCall(payload) };
    case 'Notification':
      return payload.notification_type !== undefined && waitingNotifications.has(payload.notification_type)
        ? { activity: 'waiting', reason: payload.message ?? payload.notification_type }
        : null;
    case 'SessionEnd':
      return { activity: 'exited', reason: null };
    default:
      return null;
  }
}

/**
 * A Notification that repeats a wait already known (PermissionRequest came first and named the
 * tool) keeps the better reason: the tool and command, not "Claude needs your permission".
 */
export function nextActivity(
  current: { activity: InstanceActivity; activityReason: string | null },
  change: ActivityChange,
  payload: Payload,
): ActivityChange {
  if (payload.hook_event_name === 'Notification' && current.activity === 'waiting' && change.activity === 'waiting' && current.activityReason !== null) {
    return { activity: 'waiting', reason: current.activityReason };
  }
  return change;
}
