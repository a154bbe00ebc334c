import { describe, expect, it } from 'vitest';
import { activityChangeOf, hookReportSchema, nextActivity } from './hook-event.ts';

const event = (hook_event_name: string, rest: Record<string, unknown> = {}) => ({ hook_event_name, session_id: 's-1', ...rest });

describe('activityChangeOf', () => {
  it('maps each hook event of a turn to the activity it starts', () => {
    expect(activityChangeOf(event('SessionStart'))).toEqual({ activity: 'idle', reason: null });
    for (const name of ['UserPromptSubmit', 'PreToolUse', 'PostToolUse']) {
      expect(activityChangeOf(event(name))).toEqual({ activity: 'busy', reason: null });
    }
    expect(activityChangeOf(event('Stop'))).toEqual({ activity: 'idle', reason: null });
    expect(activityChangeOf(event('SessionEnd'))).toEqual({ activity: 'exited', reason: null });
  });

  it('says what a permission request waits on: the tool and its command or file', () => {
    expect(activityChangeOf(event('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'rm -rf build', description: 'Clean' } }))).toEqual({
      activity: 'waiting',
      reason: 'Bash: rm -rf build',
    });
    expect(activityChangeOf(event('PermissionRequest', { tool_name: 'Write', tool_input: { file_path: '/srv/a.txt' } }))?.reason).toBe('Write: /srv/a.txt');
    expect(activityChangeOf(event('PermissionRequest', { tool_name: 'Mystery' }))?.reason).toBe('Mystery');
  });

  it('counts only permission and elicitation notifications as waiting, with their message', () => {
    expect(activityChangeOf(event('Notification', { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }))).toEqual({
      activity: 'waiting',
      reason: 'Claude needs your permission to use Bash',
    });
    expect(activityChangeOf(event('Notification', { notification_type: 'elicitation_dialog', message: 'Pick one' }))?.activity).toBe('waiting');
    expect(activityChangeOf(event('Notification', { notification_type: 'idle_prompt', message: 'Claude is waiting for your input' }))).toBeNull();
    expect(activityChangeOf(event('Notification', { message: 'no type' }))).toBeNull();
  });

  it('ignores a subagent stopping and events it does not know', () => {
    expect(activityChangeOf(event('SubagentStop'))).toBeNull();
    expect(activityChangeOf(event('PreCompact'))).toBeNull();
    expect(activityChangeOf(event('SomethingNew'))).toBeNull();
  });
});

describe('nextActivity', () => {
  it('keeps the tool call as the reason when the permission notification follows it', () => {
    const payload = event('Notification', { notification_type: 'permission_prompt', message: 'Claude needs your permission' });
    const change = activityChangeOf(payload);
    if (change === null) throw new Error('expected a change');
    expect(nextActivity({ activity: 'waiting', activityReason: 'Bash: ls' }, change, payload)).toEqual({ activity: 'waiting', reason: 'Bash: ls' });
    expect(nextActivity({ activity: 'busy', activityReason: null }, change, payload)).toEqual({ activity: 'waiting', reason: 'Claude needs your permission' });
  });
});

describe('hookReportSchema', () => {
  it('reads a spool file and refuses one without an event name or with a bad pane', () => {
    const report = { at: 1, instance: 'api', tmuxPane: '%3', payload: event('Stop', { extra: 'dropped' }) };
    expect(hookReportSchema.parse(report).payload).toEqual({ hook_event_name: 'Stop', session_id: 's-1' });
    expect(hookReportSchema.safeParse({ ...report, payload: {} }).success).toBe(false);
    expect(hookReportSchema.safeParse({ ...report, tmuxPane: 'main:0' }).success).toBe(false);
  });
});
