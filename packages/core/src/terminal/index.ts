// The terminal entry point: what the dashboard's WebSocket server (terminal and output) needs, without the database.
export { openTerminal, type OpenTerminalOptions, type TerminalSession } from './open-terminal';
export { parseTerminalControl, terminalQuery, terminalSize, type TerminalControl, type TerminalNotice, type TerminalQuery, type TerminalSize } from './protocol';
export { createDockerClient } from '../runtimes/docker/docker-client';
export { createStyledTextFilter, styledText } from '../runtimes/terminal-text';
export type { OutputUpdate } from '../runtimes/output-update';
