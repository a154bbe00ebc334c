import { describe, expect, it } from 'vitest';
import { notificationEnv, notificationOf, transitionOf } from './notification.ts';

const at = new Date('2026-12-03T12:00:00.000Z');
const settings = { on: ['waiting', 'error'] as ('waiting' | 'error')[], dashboardUrl: 'http://127.0.0.1:3000' };

describe('notifications of registry events', () => {
  it('turns an activity change the user picked into the facts a receiver gets, linking the instance page', () => {
    const event = { id: 7, instanceId: 'a1', instanceName: 'api worker', kind: 'activity_changed' as const, from: 'busy', to: 'waiting', message: 'Bash: make', at };
    expect(notificationOf(event, settings)).toEqual({
      transition: 'waiting',
      instance: { id: 'a1', name: 'api worker' },
      activity: 'waiting',
      previousActivity: 'busy',
      status: null,
      previousStatus: null,
      reason: 'Bash: make',
      since: '2026-12-03T12:00:00.000Z',
      url: 'http://127.0.0.1:3000/instances/api%20worker',
      eventId: 7,
    });
  });

  it('turns a status change to error into an `error` transition with the statuses', () => {
    const event = { id: 8, instanceId: 'a1', instanceName: 'w', kind: 'status_changed' as const, from: 'running', to: 'error', message: null, at };
    expect(notificationOf(event, settings)).toMatchObject({ transition: 'error', activity: null, status: 'error', previousStatus: 'running', reason: null });
  });

  it('sends nothing for transitions not picked, nor for ones that can never be picked', () => {
    const activity = (to: string) => ({ id: 1, instanceId: null, instanceName: 'w', kind: 'activity_changed' as const, from: 'unknown', to, message: null, at });
    expect(notificationOf(activity('idle'), settings)).toBeNull();
    expect(notificationOf(activity('exited'), settings)).toBeNull();
    expect(transitionOf(activity('busy'))).toBeNull();
    expect(transitionOf(activity('unknown'))).toBeNull();
    expect(transitionOf({ kind: 'status_changed', to: 'stopped' })).toBeNull();
    expect(transitionOf({ kind: 'created', to: 'error' })).toBeNull();
  });

  it('passes the facts to a command as CC_BRIDGE_NOTIFY_* variables, empty where there is none', () => {
    const event = { id: 9, instanceId: null, instanceName: 'w', kind: 'status_changed' as const, from: 'running', to: 'error', message: null, at };
    const notification = notificationOf(event, settings);
    expect(notification).not.toBeNull();
    if (notification === null) return;
    expect(notificationEnv(notification)).toMatchObject({
      CC_BRIDGE_NOTIFY_TRANSITION: 'error',
      CC_BRIDGE_NOTIFY_INSTANCE_ID: '',
      CC_BRIDGE_NOTIFY_INSTANCE_NAME: 'w',
      CC_BRIDGE_NOTIFY_ACTIVITY: '',
      CC_BRIDGE_NOTIFY_STATUS: 'error',
      CC_BRIDGE_NOTIFY_PREVIOUS_STATUS: 'running',
      CC_BRIDGE_NOTIFY_URL: 'http://127.0.0.1:3000/instances/w',
      CC_BRIDGE_NOTIFY_EVENT_ID: '9',
    });
  });
});
