/**
 * `keyward completion bash|zsh`: generated from the command tree, so every command and flag
 * completes; the bash script is sourced into a real bash and asked as a shell would ask it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome } from '../support/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'keyward-completion-'));
const cli = cliHome(join(dir, 'home'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shell completion', () => {
  let bashScript: string;
  beforeAll(async () => {
    const result = await cli.run(['completion', 'bash']);
    expect(result.status).toBe(0);
    bashScript = join(dir, 'keyward.bash');
    writeFileSync(bashScript, result.stdout);
  });

  /** What bash offers after the words typed so far (the last one being completed). */
  const complete = (...words: string[]): string[] =>
    execFileSync(
      'bash',
      [
        '-c',
        `source "$0"; COMP_WORDS=(keyward "$@"); COMP_CWORD=$#; _keyward; printf '%s\\n' "\${COMPREPLY[@]}"`,
        bashScript,
        ...words,
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter((word) => word !== '');

  it('completes the command groups', () => {
    expect(complete('')).toEqual(
      expect.arrayContaining([
        'serve',
        'migrate',
        'backup',
        'restore',
        'root-key',
        'doctor',
        'login',
        'keys',
        'tenants',
        'verify',
        'audit',
        'completion',
      ]),
    );
    expect(complete('ke')).toEqual(['keys']);
  });

  it('completes subcommands and their flags, at any depth', () => {
    expect(complete('keys', 'cr')).toEqual(['create', 'credits']);
    expect(complete('users', 'mfa', '')).toEqual(expect.arrayContaining(['status', 'enrol', 'confirm', 'reset']));
    expect(complete('keys', 'create', '--ne')).toEqual(['--never-expires']);
    expect(complete('serve', '--log')).toEqual(['--log-level']);
  });

  it('prints a zsh script built on the same tree', async () => {
    const zsh = await cli.run(['completion', 'zsh']);
    expect(zsh.status).toBe(0);
    expect(zsh.stdout.split('\n')[0]).toBe('#compdef keyward');
    expect(zsh.stdout).toContain('"keys create") words="');
  });

  it('refuses a shell it does not know', async () => {
    const fish = await cli.run(['completion', 'fish']);
    expect(fish.status).toBe(1);
    expect(fish.stderr).toContain('bash or zsh');
  });
});
