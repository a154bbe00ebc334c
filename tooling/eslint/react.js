// React components and hooks: the rules of hooks plus the React Compiler's checks (purity,
// refs, state set in effects) that eslint-plugin-react-hooks 7 ships in its recommended set.
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

import base from './base.js';

export default defineConfig(base, {
  // Only the components and hooks: Playwright's fixture `use()` and plain scripts are no hooks.
  files: ['src/**/*.ts', 'src/**/*.tsx'],
  extends: [reactHooks.configs.flat.recommended],
  languageOptions: { globals: globals.browser },
});
