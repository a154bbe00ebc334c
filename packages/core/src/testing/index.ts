export {
  ensureTestImage,
  getTestDockerClient,
  removeTestContainers,
  runTestContainer,
  TEST_DISCOVERY_IMAGE,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN,
  testLabels,
  type TestContainerOptions,
} from './docker.ts';
export { createTestTmux, type TestTmux } from './tmux.ts';
export { freePort, relayEngine, startSecondEngine, type TestEngine, type TestEngineStart } from './engines.ts';
export { disposeAll, type TestResource } from './dispose.ts';
export { createTestDatabase, openTestBridge, testBackends, type TestBackend, type TestBridge, type TestBridgeOptions } from './bridge.ts';
export { testInstance } from './instances.ts';
export { prepareClaudeHome, startScriptedAnthropicApi, type ReceivedRequest, type ScriptedAnthropicApi, type ScriptedReply, type ScriptedUsage } from './anthropic-api.ts';
export { createClaudeAgentWorld, waitUntil, type ClaudeAgentWorld } from './claude-agents.ts';
export { caught } from './errors.ts';
