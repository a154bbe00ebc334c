// The files at the root (Prisma's config, scripts/, bench/); every package has its own config.
import base from '@cc-bridge/eslint-config/base';
import { defineConfig } from 'eslint/config';

export default defineConfig(base, {
  languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
});
