import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiFilePath, openApiFileText } from './openapi';

const apiV1Dir = fileURLToPath(new URL('../app/api/v1', import.meta.url));
const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every route.ts under app/api/v1, as its OpenAPI path (`[name]` → `{name}`) and file. */
function routeFiles(dir = apiV1Dir): { path: string; file: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    const segments = relative(apiV1Dir, dir).split(sep).filter(Boolean);
    return [{ path: `/${segments.map((segment) => segment.replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`, file: full }];
  });
}

describe('the OpenAPI document of /api/v1', () => {
  it('is the committed apps/web/openapi.json (run `pnpm openapi` after changing a schema or an operation)', () => {
    expect(readFileSync(openApiFilePath, 'utf8')).toBe(openApiFileText());
  });

  it('documents every route file under app/api/v1, each exported method and nothing else', async () => {
    const document = openApiDocument();
    const files = routeFiles();
    // The tree was read: a test over no files would pass.
    expect(files.length).toBeGreaterThanOrEqual(10);
    const fromFiles: string[] = [];
    for (const { path, file } of files) {
      const routeModule = (await import(file)) as Record<string, unknown>;
      const exported = httpMethods.filter((method) => typeof routeModule[method] === 'function');
      expect(exported, file).not.toEqual([]);
      for (const method of exported) fromFiles.push(`${method.toLowerCase()} ${path}`);
    }
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => httpMethods.some((method) => method.toLowerCase() === key)).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(fromFiles.sort());
  });

  it('declares bearer auth and requires it on every operation', () => {
    const document = openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'post', 'patch', 'delete'] as const) {
        const operation = item[method];
        if (!operation) continue;
        expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '403']));
      }
    }
  });

  it('describes request bodies with the zod schemas core validates with', () => {
    const document = openApiDocument();
    const answer = document.paths?.['/instances/{name}/answer']?.post?.requestBody;
    expect(JSON.stringify(answer)).toContain('"enum":["yes","always","no"]');
    const patch = JSON.stringify(document.paths?.['/instances/{name}']?.patch?.requestBody);
    expect(patch).toContain('"version"');
    expect(patch).toContain('"cwd"');
  });
});
