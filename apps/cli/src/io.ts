import { createInterface } from 'node:readline/promises';

/** Everything a command touches outside core, so tests and the real process differ only here. */
export interface Io {
  /** Results: a table, a record, or the one `--json` document. */
  out(text: string): void;
  /** Errors, warnings, summaries and logs. */
  err(text: string): void;
  /** Whether a person can answer a question (stdin is a terminal). */
  isInteractive: boolean;
  /** Asks on stderr; true for "y" or "yes". */
  confirm(question: string): Promise<boolean>;
  now(): Date;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    // Undefined rather than false when stdin is a pipe or a file (Node's types say boolean).
    isInteractive: (process.stdin.isTTY as boolean | undefined) === true,
    async confirm(question) {
      // The prompt goes to stderr so that stdout carries only results, even when asked.
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(question)).trim());
      } finally {
        prompt.close();
      }
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
