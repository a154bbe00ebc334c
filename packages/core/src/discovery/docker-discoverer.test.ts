import { describe, expect, it } from 'vitest';
import { matchesImagePattern } from './docker-discoverer.ts';

describe('matchesImagePattern', () => {
  it.each([
    ['cc-bridge:latest', true],
    ['registry.local:5000/team/cc-bridge-dev:1.2', true],
    ['claude-code@sha256:abc', true],
    ['ghcr.io/someone/claude-code-sandbox', true],
    ['postgres:16', false],
    // The pattern is matched against the repository name, not the registry host or tag.
    ['cc-bridge.registry.local/postgres:16', false],
    ['postgres:cc-bridge', false],
  ])('%s → %s', (image, expected) => expect(matchesImagePattern(image, ['cc-bridge', 'claude-code'])).toBe(expected));
});
