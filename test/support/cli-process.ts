/**
 * Runs the built `keyward` command as a user would: a `keyward` on the PATH (a shim for
 * dist/cli/main.js), its own config dir so profiles never touch the real one, and no TTY.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './server-process.js';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliHome {
  /** A directory with a `keyward` executable, to put first on the PATH. */
  readonly bin: string;
  /** XDG_CONFIG_HOME for the runs. */
  readonly config: string;
  readonly env: Readonly<Record<string, string>>;
  run(args: readonly string[], env?: Readonly<Record<string, string>>, cwd?: string): Promise<CliResult>;
  /** A bash script with `keyward` on the PATH. */
  bash(script: string, cwd: string, env?: Readonly<Record<string, string>>): Promise<CliResult>;
}

function collect(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export function cliHome(root = mkdtempSync(join(tmpdir(), 'keyward-cli-'))): CliHome {
  const bin = join(root, 'bin');
  const config = join(root, 'config');
  mkdirSync(bin, { recursive: true });
  mkdirSync(config, { recursive: true });
  writeFileSync(join(bin, 'keyward'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'keyward'), 0o755);
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    XDG_CONFIG_HOME: config,
    HOME: root,
  };
  const base = (): Record<string, string | undefined> => {
    const inherited: Record<string, string | undefined> = { ...process.env };
    // A developer's own settings must not steer the command under test.
    for (const name of Object.keys(inherited))
      if (name.startsWith('KEYWARD_') || name === 'NO_COLOR') delete inherited[name];
    return inherited;
  };
  return {
    bin,
    config,
    env,
    run: (args, extra = {}, cwd = root) =>
      collect(process.execPath, [CLI, ...args], { ...base(), ...env, ...extra }, cwd),
    bash: (script, cwd, extra = {}) =>
      collect('bash', ['-c', `set -eo pipefail\n${script}`], { ...base(), ...env, ...extra }, cwd),
  };
}
