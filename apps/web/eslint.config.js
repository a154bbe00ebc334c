import nextjs from '@cc-bridge/eslint-config/nextjs';
import { defineConfig } from 'eslint/config';

export default defineConfig(
  nextjs,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        tsconfigRootDir: import.meta.dirname,
        // playwright.config.ts belongs to e2e/tsconfig.json, which its folder does not reach.
        projectService: { allowDefaultProject: ['playwright.config.ts'], defaultProject: 'e2e/tsconfig.json' },
      },
    },
  },
  {
    // Command-line tools whose report is what they print.
    files: ['e2e/demo.ts', 'e2e/measure.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter, which must be an object
    // pattern even when empty (`async ({}, use) => …`).
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  { settings: { next: { rootDir: import.meta.dirname } } },
);
