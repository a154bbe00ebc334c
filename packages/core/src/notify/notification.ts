import type { Config, NotifyTransition } from '../config.ts';
import type { PendingEvent } from '../registry/notifications.ts';

/**
 * One transition as a webhook receives it (the JSON body) and a command reads it (JSON on stdin,
 * and the same facts in CC_BRIDGE_NOTIFY_* variables). A stable handle: fields are only added.
 */
export interface Notification {
  /** Which of the config's `on` transitions this is: the activity moved to, or `error`. */
  transition: NotifyTransition;
  /** The record as its event names it (a later rename is not followed). */
  instance: { id: string | null; name: string };
  /** The agent's activity now and before; null for a status transition. */
  activity: string | null;
  previousActivity: string | null;
  /** The runtime status now (`error`) and before; null for an activity transition. */
  status: string | null;
  previousStatus: string | null;
  /** What a waiting agent asks (`Bash: make`), or the event's message; null when none. */
  reason: string | null;
  /** When the registry recorded the transition (ISO 8601, UTC). */
  since: string;
  /** The instance's page on the dashboard. */
  url: string;
  /** The registry event behind it (InstanceEvent id), for de-duplication on the receiving side. */
  eventId: number;
}

const activityTransitions: readonly string[] = ['waiting', 'exited', 'idle'] satisfies NotifyTransition[];

/** The transition an event is, or null when it is none that can be notified (e.g. to `busy`). */
export function transitionOf(event: Pick<PendingEvent, 'kind' | 'to'>): NotifyTransition | null {
  if (event.kind === 'activity_changed' && typeof event.to === 'string' && activityTransitions.includes(event.to)) return event.to as NotifyTransition;
  if (event.kind === 'status_changed' && event.to === 'error') return 'error';
  return null;
}

/** The notification for an event, or null when it is not among the transitions `settings.on` picks. */
export function notificationOf(event: PendingEvent, settings: Pick<Config['notify'], 'on' | 'dashboardUrl'>): Notification | null {
  const transition = transitionOf(event);
  if (transition === null || !settings.on.includes(transition)) return null;
  const isStatus = event.kind === 'status_changed';
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    transition,
    instance: { id: event.instanceId, name: event.instanceName },
    activity: isStatus ? null : text(event.to),
    previousActivity: isStatus ? null : text(event.from),
    status: isStatus ? text(event.to) : null,
    previousStatus: isStatus ? text(event.from) : null,
    reason: event.message,
    since: event.at.toISOString(),
    url: `${settings.dashboardUrl}/instances/${encodeURIComponent(event.instanceName)}`,
    eventId: event.id,
  };
}

/** The facts as environment variables for a command (empty string for null). */
export function notificationEnv(notification: Notification): Record<string, string> {
  return {
    CC_BRIDGE_NOTIFY_TRANSITION: notification.transition,
    CC_BRIDGE_NOTIFY_INSTANCE_ID: notification.instance.id ?? '',
    CC_BRIDGE_NOTIFY_INSTANCE_NAME: notification.instance.name,
    CC_BRIDGE_NOTIFY_ACTIVITY: notification.activity ?? '',
    CC_BRIDGE_NOTIFY_PREVIOUS_ACTIVITY: notification.previousActivity ?? '',
    CC_BRIDGE_NOTIFY_STATUS: notification.status ?? '',
    CC_BRIDGE_NOTIFY_PREVIOUS_STATUS: notification.previousStatus ?? '',
    CC_BRIDGE_NOTIFY_REASON: notification.reason ?? '',
    CC_BRIDGE_NOTIFY_SINCE: notification.since,
    CC_BRIDGE_NOTIFY_URL: notification.url,
    CC_BRIDGE_NOTIFY_EVENT_ID: String(notification.eventId),
  };
}
