import { retentionActor, type CcBridge, type Logger } from '@cc-bridge/core';

/** How often the server applies `[retention]`: once a day (and once when it starts). */
export const retentionIntervalMs = 24 * 60 * 60 * 1000;

/**
 * Applies `[retention]` now and then every `retentionIntervalMs`, as actor `retention` (no
 * origin: no request asked for it). Nothing is scheduled when `[retention]` sets nothing. The
 * timer never keeps the process alive; a failed run is logged and the next one tries again.
 * Returns the stop.
 */
export function scheduleRetention(bridge: CcBridge, logger: Logger): () => void {
  const { stoppedAfterMs, eventsAfterMs } = bridge.config.retention;
  if (stoppedAfterMs === null && eventsAfterMs === null) return () => {};
  const manager = bridge.as({ actor: retentionActor, origin: null });
  const run = () => {
    manager.applyRetention().then(
      (report) => {
        if (report.removed.length > 0 || report.events > 0) logger.info('retention applied', { instances: report.removed.length, events: report.events });
      },
      (error: unknown) => logger.error('applying [retention] failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  run();
  const timer = setInterval(run, retentionIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
