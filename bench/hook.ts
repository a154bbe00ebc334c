// Wall time of the hook command Claude Code runs on every hook event (apps/cli/dist/hook.mjs),
// spawned as Claude Code spawns it, with a PreToolUse payload on stdin, beside a bare `node -e ''`
// measured in the same run (the floor of any Node command on this machine, at this load).
//   pnpm bench:hook              (40 runs each)
//   pnpm bench:hook --runs 100
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
const runs = Number(values.runs);
const hook = fileURLToPath(new URL('../apps/cli/dist/hook.mjs', import.meta.url));
const spool = mkdtempSync(join(tmpdir(), 'cc-bridge-bench-hook-'));
const payload = JSON.stringify({
  hook_event_name: 'PreToolUse',
  session_id: 'cfecd98a-002b-4b48-aa0a-539e41f9af93',
  transcript_path: '/home/me/.claude/projects/-srv-api/cfecd98a-002b-4b48-aa0a-539e41f9af93.jsonl',
  cwd: '/srv/api',
  tool_name: 'Bash',
  tool_input: { command: 'ls -la', description: 'List files' },
});

function timeRun(args: string[], input: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { input, env: { ...process.env, CC_BRIDGE_INSTANCE: 'bench' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || result.stdout.length > 0) throw new Error(`${args.join(' ')} exited ${String(result.status)} or printed`);
  return ms;
}

const quantile = (times: number[], q: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(times.length * q))] ?? NaN;
const line = (label: string, times: number[]) => `${label.padEnd(16)} median ${quantile(times, 0.5).toFixed(1)} ms   p90 ${quantile(times, 0.9).toFixed(1)} ms`;

try {
  // Taken in turns, so a change of the machine's load weighs on both alike.
  const hookTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    hookTimes.push(timeRun([hook, spool], payload));
    bareTimes.push(timeRun(['-e', ''], ''));
  }
  if (readdirSync(spool).length !== runs) throw new Error(`expected ${runs} reports in the spool folder`);
  process.stdout.write(`${runs} runs each, load average ${loadavg()[0]?.toFixed(1) ?? '?'}\n${line('hook.mjs', hookTimes)}\n${line("node -e ''", bareTimes)}\n`);
} finally {
  rmSync(spool, { recursive: true, force: true });
}
