import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { createInterface } from 'node:readline/promises';
import { constants } from 'node:os';

/** Everything a command touches outside core, so tests and the real process differ only here. */
export interface Io {
  /** Results: a table, a record, or the one `--json` document. */
  out(text: string): void;
  /** Errors, warnings, summaries and logs. */
  err(text: string): void;
  /** Whether a person can answer a question (stdin is a terminal). */
  isInteractive: boolean;
  /** Whether a program can be handed the terminal: stdin and stdout are both one. */
  hasTerminal: boolean;
  /** Asks on stderr; true for "y" or "yes". */
  confirm(question: string): Promise<boolean>;
  /** All of stdin, as UTF-8 text. */
  readInput(): Promise<string>;
  /** Calls `listener` on Ctrl-C (SIGINT) instead of ending the process, until the returned function is called. */
  onInterrupt(listener: () => void): () => void;
  /**
   * Runs a program on this process's own terminal (stdio inherited, no shell) and resolves to its
   * exit code (128 + the signal's number when a signal ended it). Ctrl-C belongs to the program
   * meanwhile. CliError when it cannot be started.
   */
  handOver(command: { file: string; args: readonly string[] }): Promise<number>;
  now(): Date;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    // Undefined rather than false when stdin is a pipe or a file (Node's types say boolean).
    isInteractive: (process.stdin.isTTY as boolean | undefined) === true,
    hasTerminal: (process.stdin.isTTY as boolean | undefined) === true && (process.stdout.isTTY as boolean | undefined) === true,
    async confirm(question) {
      // The prompt goes to stderr so that stdout carries only results, even when asked.
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(question)).trim());
      } finally {
        prompt.close();
      }
    },
    readInput: () => text(process.stdin),
    onInterrupt(listener) {
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
    handOver({ file, args }) {
      // The terminal sends Ctrl-C to the whole foreground group: the program decides what it means.
      const ignore = () => undefined;
      process.on('SIGINT', ignore);
      return new Promise<number>((resolve, reject) => {
        const child = spawn(file, [...args], { stdio: 'inherit' });
        child.once('error', (error: NodeJS.ErrnoException) => {
          reject(new CliError(error.code === 'ENOENT' ? `${file} is not installed or not on PATH` : `${file} could not be started: ${error.message}`));
        });
        child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
      }).finally(() => process.off('SIGINT', ignore));
    },
    now: () => new Date(),
  };
}

/** A failure of the CLI's own (a file it cannot read, a question answered no): exit 1. */
export class CliError extends Error {}

/**
 * The command failed and its output already says why (a status that could not be read): exit 1
 * with nothing more printed.
 */
export class ReportedFailure extends Error {}

/** The command ends with this exit code, which says it all (a program it handed the terminal to exited so): nothing more printed. */
export class ExitStatus extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit status ${exitCode}`);
    this.exitCode = exitCode;
  }
}
