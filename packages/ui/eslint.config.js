import react from '@cc-bridge/eslint-config/react';
import { defineConfig } from 'eslint/config';

export default defineConfig(react, {
  languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
});
