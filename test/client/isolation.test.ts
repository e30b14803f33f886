/**
 * The client and middleware subpaths (`keyward/client`, `/fastify`, `/express`, `/hono`) import
 * nothing of the server: every import in src/client and src/middleware stays inside those two
 * folders, or is a `node:` builtin, or is a type-only import of Fastify (erased from the output
 * under `verbatimModuleSyntax`, which keeps every import not marked `type`). package.json
 * exports each subpath.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FOLDERS = ['src/client', 'src/middleware'];
/** Packages the subpaths may name in a type-only import. */
const TYPE_ONLY_PACKAGES = new Set(['fastify']);

interface ImportStatement {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function sourceFiles(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(ROOT, folder, name)),
  );
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every `import … from`, `export … from` and bare `import '…'`, multi-line ones included. */
function importsOf(file: string): ImportStatement[] {
  const source = withoutComments(readFileSync(file, 'utf8'));
  const statements = [...source.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\bfrom\s*)?['"]([^'"]+)['"]/gm)];
  return statements.map((match) => ({ file: relative(ROOT, file), specifier: match[3] as string, typeOnly: match[2] !== undefined }));
}

describe('the client and middleware subpaths', () => {
  const files = sourceFiles();
  const imports = files.flatMap(importsOf);

  it('are the files the package exports', () => {
    expect(files.map((file) => relative(ROOT, file)).sort()).toEqual(['src/client/index.ts', 'src/middleware/core.ts', 'src/middleware/express.ts', 'src/middleware/fastify.ts', 'src/middleware/hono.ts']);
    // The scan sees what is there (it would pass vacuously if it matched nothing).
    expect(imports).toContainEqual({ file: 'src/middleware/fastify.ts', specifier: 'fastify', typeOnly: true });
    expect(imports).toContainEqual({ file: 'src/middleware/core.ts', specifier: '../client/index.js', typeOnly: false });
    expect(imports).toContainEqual({ file: 'src/client/index.ts', specifier: 'node:crypto', typeOnly: false });
  });

  it('import nothing outside src/client and src/middleware, no package at run time, and no framework', () => {
    const offending = imports.filter(({ file, specifier, typeOnly }) => {
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
        return !FOLDERS.some((folder) => target.startsWith(`${folder}/`));
      }
      if (specifier.startsWith('node:')) return false;
      return !(typeOnly && TYPE_ONLY_PACKAGES.has(specifier));
    });
    expect(offending).toEqual([]);
  });

  it('load nothing dynamically', () => {
    for (const file of files) {
      const source = withoutComments(readFileSync(file, 'utf8'));
      expect(source, file).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
    }
  });

  it('are exported by package.json, with their declarations', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports).toMatchObject({
      './client': { types: './dist/client/index.d.ts', default: './dist/client/index.js' },
      './fastify': { types: './dist/middleware/fastify.d.ts', default: './dist/middleware/fastify.js' },
      './express': { types: './dist/middleware/express.d.ts', default: './dist/middleware/express.js' },
      './hono': { types: './dist/middleware/hono.d.ts', default: './dist/middleware/hono.js' },
    });
  });
});
