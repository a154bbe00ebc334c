import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the model: text that ends the turn, or a tool call Claude Code then makes. */
export type ScriptedReply = (
  | { text: string; usage?: ScriptedUsage }
  | { toolUse: { name: string; input: Record<string, unknown> }; usage?: ScriptedUsage }
) & {
  /** How long (ms) the model "thinks" before it answers: Claude Code shows its spinner meanwhile. Default 0. */
  delayMs?: number;
};

/** Token counts the reply reports (and Claude Code records in its transcript). */
export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** A request the fake API received: its path and parsed JSON body. */
export interface ReceivedRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface ScriptedAnthropicApi {
  /** `http://127.0.0.1:PORT`: Claude Code's ANTHROPIC_BASE_URL. */
  url: string;
  /** Every request, in order. */
  requests: ReceivedRequest[];
  /** Queues replies for the next model calls that offer tools (the agent's turns). */
  script(...replies: ScriptedReply[]): void;
  /** How many scripted replies are still queued. */
  pending(): number;
  close(): Promise<void>;
}

const model = 'claude-sonnet-4-5';
const defaultUsage: ScriptedUsage = { input_tokens: 25, output_tokens: 10 };

function sse(response: ServerResponse, type: string, data: Record<string, unknown>): void {
  response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/** A reply as the Messages API streams it: message_start, one content block, message_delta, message_stop. */
function streamReply(response: ServerResponse, reply: ScriptedReply): void {
  const usage = reply.usage ?? defaultUsage;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  sse(response, 'message_start', {
    message: { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  });
  if ('text' in reply) {
    sse(response, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    sse(response, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: reply.text } });
  } else {
    sse(response, 'content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${randomUUID().replaceAll('-', '')}`, name: reply.toolUse.name, input: {} } });
    sse(response, 'content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.toolUse.input) } });
  }
  sse(response, 'content_block_stop', { index: 0 });
  sse(response, 'message_delta', { delta: { stop_reason: 'text' in reply ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  sse(response, 'message_stop', {});
  response.end();
}

function plainReply(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: `msg_${randomUUID()}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: defaultUsage,
    }),
  );
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A scripted Anthropic Messages API on 127.0.0.1 for running the real Claude Code in tests (see
 * ../shared/CLAUDE-CODE.md): point it here with ANTHROPIC_BASE_URL and any ANTHROPIC_API_KEY.
 * A streaming call that offers tools (the agent's turn) gets the next scripted reply, or a plain
 * "Done." when none is queued; any other call (the session title, a first non-streaming probe)
 * gets a short text. Other paths answer 404.
 */
export async function startScriptedAnthropicApi(): Promise<ScriptedAnthropicApi> {
  const queue: ScriptedReply[] = [];
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const path = request.url ?? '/';
      const body = await readBody(request);
      requests.push({ path, body });
      if (request.method !== 'POST' || !path.startsWith('/v1/messages') || path.startsWith('/v1/messages/count_tokens')) {
        if (path.startsWith('/v1/messages/count_tokens')) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ input_tokens: 25 }));
          return;
        }
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no ${path} here` } }));
        return;
      }
      const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
      if (body.stream !== true) {
        plainReply(response, 'Test session');
        return;
      }
      if (!hasTools) {
        streamReply(response, { text: 'Test session' });
        return;
      }
      const reply = queue.shift() ?? { text: 'Done.' };
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      streamReply(response, reply);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    pending: () => queue.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Makes `home` a private HOME in which `claude` opens straight at its prompt in `cwd`: the
 * first-run questions answered (`~/.claude.json`: onboarding done, the API key approved, the
 * folder trusted, the auto-mode notice seen) and real permission prompts kept
 * (`~/.claude/settings.json`: `defaultMode: default`, auto mode off; other settings merge in).
 * Returns the environment that points Claude Code at `apiUrl` and nowhere else.
 */
export function prepareClaudeHome(options: { home: string; cwd: string; apiUrl: string; apiKey?: string }): Record<string, string> {
  const apiKey = options.apiKey ?? 'sk-ant-test-000';
  mkdirSync(join(options.home, '.claude'), { recursive: true });
  writeFileSync(
    join(options.home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
      hasSeenAutoDefaultNotice: true,
      hasResetAutoModeOptInForDefaultOffer: true,
      projects: { [options.cwd]: { hasTrustDialogAccepted: true } },
    }),
  );
  writeFileSync(join(options.home, '.claude', 'settings.json'), JSON.stringify({ permissions: { defaultMode: 'default', disableAutoMode: 'disable' } }));
  return { HOME: options.home, ANTHROPIC_BASE_URL: options.apiUrl, ANTHROPIC_API_KEY: apiKey, DISABLE_AUTOUPDATER: '1' };
}
