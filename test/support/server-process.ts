/**
 * Runs the built server (`dist/cli/main.js serve`) as a child process on a free port in its own
 * data directory, for tests of what a user sees at the command line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** The directory the server was started in; its data dir is `<cwd>/data`. */
  readonly cwd: string;
  stdout(): string;
  stop(): Promise<number | null>;
}

export async function startServerProcess(
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'keyward-proc-')),
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd,
    env: { ...process.env, KEYWARD_PORT: '0', KEYWARD_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    // Generous: on a machine shared by many test runs, loading the server alone can take seconds.
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const look = (): void => {
      const match = /Keyward listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        // The banner's root key lines follow the URL line in the same write or the next one.
        setTimeout(() => resolveUrl(match[1] as string), 100);
      }
    };
    child.stdout.on('data', look);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    child,
    url,
    cwd,
    stdout: () => out,
    stop: () =>
      new Promise((resolveExit) => {
        if (child.exitCode !== null) return resolveExit(child.exitCode);
        child.once('exit', (code) => resolveExit(code));
        child.kill('SIGTERM');
      }),
  };
}
