// The Next.js app: React's rules plus Next's recommended and Core Web Vitals rules.
import nextPlugin from '@next/eslint-plugin-next';
import { defineConfig } from 'eslint/config';

import react from './react.js';

export default defineConfig(react, {
  files: ['src/**/*.ts', 'src/**/*.tsx'],
  extends: [nextPlugin.configs.recommended, nextPlugin.configs['core-web-vitals']],
});
