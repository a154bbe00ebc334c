import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiFilePath, openApiFileText } from './src/lib/openapi';

// `pnpm openapi`: writes the OpenAPI document of /api/v1 (generated from the zod schemas) to
// apps/web/openapi.json; src/lib/openapi.test.ts fails while the committed file is out of date.
writeFileSync(openApiFilePath, openApiFileText());
process.stdout.write(`wrote ${fileURLToPath(openApiFilePath)}\n`);
