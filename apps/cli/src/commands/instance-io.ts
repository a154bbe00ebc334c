import { answerChoices, defaultOutputLines, maxOutputLines } from '@cc-bridge/core/schemas';
import { Argument, type Command } from '@commander-js/extra-typings';
import { type CcBridge, type CommandRef, type GlobalFlags, type Registry, withBridge, withRegistry } from '../bridge.ts';
import { CliError, ExitStatus, type Io } from '../io.ts';
import { wholeNumberBetween } from '../options.ts';

type InstancesCommand = Command<[], GlobalFlags>;

/** What `send NAME -` typed: stdin without the one newline that ends a file or an `echo`. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * A reset after coloured text: tmux leaves out the one that ends a pane's last coloured line, and
 * the colour would otherwise run on into the shell's prompt.
 */
function endColors(text: string): string {
  return text.includes('\u001b[') ? '\u001b[0m' : '';
}

/**
 * `logs`, `send`, `answer` and `attach`: working inside an instance, all through core's manager
 * (`readOutput`, `followOutput`, `sendInput`, `answer`, `attachTerminal`); `send` and `answer` also
 * against a team server (`--server`). None of them holds the database
 * while it waits on the instance: the bridge is closed before a follow or an attached terminal
 * runs.
 */
export function registerInstanceIoCommands(instances: InstancesCommand, io: Io): void {
  const open = <T>(command: CommandRef, work: (bridge: CcBridge) => Promise<T>) => withBridge(io, command, { skipStartup: true }, work);
  // send and answer have their /api/v1 routes: they work with --server too.
  const openRegistry = <T>(command: CommandRef, work: (registry: Registry) => Promise<T>) => withRegistry(io, command, { skipStartup: true }, work);

  instances
    .command('logs')
    .description("print what an instance printed last: its tmux pane and scroll-back, or its container's log")
    .argument('<name>', 'the instance name')
    .option('--lines <n>', `how many lines, counted from the end (1-${maxOutputLines}, default ${defaultOutputLines})`, wholeNumberBetween(1, maxOutputLines))
    .option('--color', "keep the terminal's colour escape sequences (default: plain text)")
    .option('--follow', 'then keep printing new output, until Ctrl-C or the instance stops')
    .action(async (name, options, command) => {
      const colors = options.color === true;
      if (options.follow !== true) {
        const text = await open(command, ({ manager }) => manager.readOutput(name, { lines: options.lines, colors }));
        io.out(text === '' ? '' : `${text}${endColors(text)}\n`);
        return;
      }
      // Ctrl-C ends the follow, and the command with 0: stopping to watch is not a failure.
      const controller = new AbortController();
      const stopListening = io.onInterrupt(() => controller.abort());
      try {
        const output = await open(command, ({ manager }) =>
          manager.followOutput(name, { signal: controller.signal, lines: options.lines ?? defaultOutputLines, colors }),
        );
        // Finished lines only: stdout may be a pipe or a file, which must never get a line
        // twice, so the line still being drawn (a prompt, a half-typed command, a log line
        // without its newline yet) is printed once it is finished.
        for await (const update of output) if (update.text !== '') io.out(update.text);
        if (!controller.signal.aborted) io.err(`cc-bridge: ${name} stopped; its output ended\n`);
      } finally {
        stopListening();
      }
    });

  instances
    .command('send')
    .description('type text into an instance, then Enter: tmux send-keys -l, or the container\'s stdin; never through a shell')
    .argument('<name>', 'the instance name')
    .argument('<text>', 'the text, as one argument (put -- before a text that starts with -); - reads it from stdin')
    .option('--no-enter', 'type the text without pressing Enter')
    .action(async (name, text, options, command) => {
      if (text === '-' && command.optsWithGlobals().tokenStdin === true) {
        command.error('stdin carries the token (--token-stdin): give the text as an argument, or the token in CC_BRIDGE_TOKEN', { exitCode: 2, code: 'cc-bridge.usage' });
      }
      const input = text === '-' ? withoutFinalNewline(await io.readInput()) : text;
      const sent = await openRegistry(command, ({ manager }) => manager.sendInput(name, input, { enter: options.enter }));
      io.err(`Typed ${sent.chars} character${sent.chars === 1 ? '' : 's'}${sent.enter ? ' and Enter' : ''} into ${name}.\n`);
    });

  instances
    .command('answer')
    .description("answer an agent waiting on Claude Code's permission prompt: yes, always (yes, and don't ask again) or no")
    .argument('<name>', 'the instance name')
    .addArgument(new Argument('<choice>', 'the answer').choices(answerChoices))
    .option('--message <text>', 'with no: typed as its next prompt once the prompt is gone (what to do instead)')
    .action(async (name, choice, options, command) => {
      const answered = await openRegistry(command, ({ manager }) => manager.answer(name, choice, { message: options.message }));
      const typed = answered.messageChars > 0 ? `, then typed the message (${answered.messageChars} characters)` : '';
      io.err(`Answered ${answered.choice} to ${name} (key ${answered.key}${answered.presses > 1 ? `, pressed ${answered.presses} times` : ''})${typed}.\n`);
    });

  instances
    .command('attach')
    .description('hand this terminal over to an instance: tmux attach to its session, or a shell in its container; returns when you detach')
    .argument('<name>', 'the instance name')
    .action(async (name, _options, command) => {
      if (!io.hasTerminal) {
        throw new CliError(`attach needs a terminal: stdin and stdout must be one (use \`cc-bridge instances logs ${name}\` and \`send\` from a script)`);
      }
      const terminal = await open(command, ({ manager }) => manager.attachTerminal(name));
      io.err(`cc-bridge: attaching to ${terminal.description}\n`);
      const code = await io.handOver(terminal);
      if (code !== 0) throw new ExitStatus(code);
    });
}
