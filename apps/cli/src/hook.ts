// The command Claude Code runs for each hook event (`node …/dist/hook.mjs SPOOL_DIR`, installed by
// `cc-bridge hooks install`). It leaves one report in the spool folder for cc-bridge to apply and
// nothing else: it prints nothing (a SessionStart or UserPromptSubmit hook's output would reach
// the model), always exits 0, and loads no part of core but the dependency-free report writer,
// because Claude Code waits for it on every tool call.
import { instanceEnvVar, pickHookPayload, writeHookReport } from '@cc-bridge/core/hook-report';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const spoolDir = process.argv[2];
  if (spoolDir === undefined || spoolDir === '') return;
  const at = Date.now();
  const payload = pickHookPayload(JSON.parse(await readStdin()));
  const tmux = process.env.TMUX;
  writeHookReport(spoolDir, {
    at,
    instance: process.env[instanceEnvVar] || null,
    tmuxPane: process.env.TMUX_PANE || null,
    tmuxSocket: tmux ? (tmux.split(',')[0] ?? null) : null,
    payload,
  });
}

// Whatever fails (no spool folder, a payload that is not JSON), Claude Code must carry on.
main().then(
  () => process.exit(0),
  () => process.exit(0),
);
