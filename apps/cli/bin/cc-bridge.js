#!/usr/bin/env node
// Core and the CLI ship TypeScript source (no build step between packages), so the installed
// command loads it through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
