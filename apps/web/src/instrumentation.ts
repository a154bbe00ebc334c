export async function register(): Promise<void> {
  // The edge runtime cannot reach tmux, Docker or the database.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getBridge, getServerLogger } = await import('./lib/bridge');
  try {
    // Opening runs startup discovery (and cleanup when configured) once, before the first request.
    const bridge = await getBridge();
    const { scheduleRetention } = await import('./lib/retention');
    scheduleRetention(bridge, getServerLogger());
  } catch (error) {
    // The server still starts: pages show the error and the next request tries to open again.
    getServerLogger().error('opening the registry at server start failed', { error: String(error) });
  }
}
