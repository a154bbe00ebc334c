// The rules every package shares: ESLint's recommended set and typescript-eslint's strict,
// type-checked set (the type information catches floating promises and unsafe `any` flows that
// syntax alone cannot). Each package's eslint.config.js adds `tsconfigRootDir: import.meta.dirname`
// so the project service resolves that package's own tsconfig.json.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/.next/',
    '**/.turbo/',
    '**/src/generated/',
    '**/test-results/',
    '**/playwright-report/',
    '**/demo-output/',
    '**/next-env.d.ts',
    // Bundles (the CLI's), built from the linted source.
    '**/dist/',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The logger (packages/core/src/logger.ts) is the one place that writes diagnostics.
      'no-console': 'error',
      // `onClick={() => setOpen(false)}`: an arrow that only forwards a void call is the React
      // and Node callback idiom; void values used anywhere else stay flagged.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `while (true)` around a loop that breaks from inside is the clearest form of it.
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: 'only-allowed-literals' }],
      // Template literals with numbers read naturally in messages; other types stay flagged.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `_`-prefixed names are deliberately unused (destructuring a field away, a required
      // parameter position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Vitest's asymmetric matchers (`expect.stringContaining(…)`, `expect.any(String)`) are typed
    // `any` by design, so every assertion that nests one would read as an unsafe assignment.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', '**/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Plain JavaScript files are not in any tsconfig program: lint them without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
