/**
 * The client and middleware subpaths (`keyward/client`, `/fastify`, `/express`, `/hono`) import
 * nothing of the server: every import in src/client and src/middleware stays inside those two
 * folders, or is a `node:` builtin, or is a type-only import of Fastify or of the API schemas in
 * src/api (erased from the output under `verbatimModuleSyntax`, which keeps every import not
 * marked `type`). The built files the package ships (dist/client, dist/middleware) are checked
 * too: what runs imports only its siblings and `node:` builtins. package.json exports each
 * subpath.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  return statements.map((match) => ({
    file: relative(ROOT, file),
    specifier: match[3] as string,
    typeOnly: match[2] !== undefined,
  }));
}

describe('the client and middleware subpaths', () => {
  const files = sourceFiles();
  const imports = files.flatMap(importsOf);

  it('are the files the package exports', () => {
    expect(files.map((file) => relative(ROOT, file)).sort()).toEqual([
      'src/client/api-error.ts',
      'src/client/change-stream.ts',
      'src/client/index.ts',
      'src/client/keyward-client.ts',
      'src/client/management.ts',
      'src/client/model-names.ts',
      'src/client/replica-cache.ts',
      'src/client/replica-usage.ts',
      'src/client/replica.ts',
      'src/client/verdict-hash.ts',
      'src/client/verifier.ts',
      'src/middleware/core.ts',
      'src/middleware/express.ts',
      'src/middleware/fastify.ts',
      'src/middleware/hono-client-ip.ts',
      'src/middleware/hono.ts',
      'src/middleware/resource-from.ts',
      'src/middleware/startup.ts',
    ]);
    // The scan sees what is there (it would pass vacuously if it matched nothing).
    expect(imports).toContainEqual({ file: 'src/middleware/fastify.ts', specifier: 'fastify', typeOnly: true });
    expect(imports).toContainEqual({
      file: 'src/middleware/core.ts',
      specifier: '../client/index.js',
      typeOnly: false,
    });
    expect(imports).toContainEqual({ file: 'src/client/verifier.ts', specifier: 'node:crypto', typeOnly: false });
    expect(imports).toContainEqual({ file: 'src/client/verifier.ts', specifier: '../api/verify.js', typeOnly: true });
  });

  it('take their request and answer types from src/api, not from copies', () => {
    const source = withoutComments(readFileSync(join(ROOT, 'src/client/verifier.ts'), 'utf8'));
    expect(source).not.toMatch(/export interface (VerifyRequest|VerifyAnswer|ResourceRef)\b/);
    expect(source).toMatch(/export type VerifyAnswer = Readonly<VerifyAnswerObject>/);
  });

  it('import nothing outside src/client and src/middleware, no package at run time, and no framework', () => {
    const offending = imports.filter(({ file, specifier, typeOnly }) => {
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
        if (typeOnly && target.startsWith('src/api/')) return false;
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

  // The shipped JavaScript, as `npm pack` would put it in the tarball (dist/ is built by the
  // global setup): every import a runtime would follow.
  it('ship JavaScript that imports only its own folder and node: builtins', () => {
    const built = ['dist/client', 'dist/middleware'].flatMap((folder) =>
      readdirSync(join(ROOT, folder))
        .filter((name) => name.endsWith('.js'))
        .map((name) => join(ROOT, folder, name)),
    );
    expect(built.map((file) => relative(ROOT, file)).sort()).toEqual(
      expect.arrayContaining(['dist/client/index.js', 'dist/client/management.js', 'dist/middleware/core.js']),
    );
    const found = built.flatMap((file) => {
      const source = withoutComments(readFileSync(file, 'utf8'));
      return [
        ...source.matchAll(
          /(?:^|[;\s])(?:import|export)\s*(?:[^;'"]*?\bfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm,
        ),
      ].map((match) => ({
        file: relative(ROOT, file),
        specifier: match[1] ?? match[2] ?? '',
      }));
    });
    // The scan sees what is there.
    expect(found).toContainEqual({ file: 'dist/client/verifier.js', specifier: 'node:crypto' });
    expect(found).toContainEqual({ file: 'dist/client/index.js', specifier: './management.js' });
    const offending = found.filter(({ file, specifier }) => {
      if (specifier.startsWith('node:')) return false;
      if (specifier.startsWith('./')) return !existsSync(resolve(ROOT, dirname(file), specifier));
      return !(specifier === '../client/index.js' && file.startsWith('dist/middleware/'));
    });
    expect(offending).toEqual([]);
  });

  // What `npm pack` would publish: the client's JavaScript and every declaration its types name
  // (the API schemas' .d.ts, reached by the type-only imports) are in the tarball.
  it('are packed with every declaration their types name', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Array<{ files: Array<{ path: string }> }>;
    const files = new Set((packed[0]?.files ?? []).map((file) => file.path));
    expect([...files].filter((path) => /^dist\/client\/[^/]+\.js$/.test(path)).sort()).toEqual([
      'dist/client/api-error.js',
      'dist/client/change-stream.js',
      'dist/client/index.js',
      'dist/client/keyward-client.js',
      'dist/client/management.js',
      'dist/client/model-names.js',
      'dist/client/replica-cache.js',
      'dist/client/replica-usage.js',
      'dist/client/replica.js',
      'dist/client/verdict-hash.js',
      'dist/client/verifier.js',
    ]);
    const pending = ['dist/client/index.d.ts'];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const declaration = pending.pop() as string;
      if (seen.has(declaration)) continue;
      seen.add(declaration);
      expect(files.has(declaration), `${declaration} is in the tarball`).toBe(true);
      const source = readFileSync(join(ROOT, declaration), 'utf8');
      for (const match of source.matchAll(/from\s*['"](\.[^'"]+)\.js['"]/g))
        pending.push(relative(ROOT, resolve(ROOT, dirname(declaration), `${match[1] as string}.d.ts`)));
    }
    expect(seen).toContain('dist/api/verify.d.ts');
    expect(seen).toContain('dist/client/management.d.ts');
  }, 60_000);
});
