/**
 * Where the CLI takes a key from without putting it in argv, which `ps` and shell history see:
 * `-` reads it from stdin (the first line), or asks for it with a hidden prompt on a terminal.
 * A key given on the command line still works, with a warning on stderr saying how to avoid it.
 */
import { password } from '@inquirer/prompts';
import { errorLine, UsageError } from './output.js';

/** A key is at most a few hundred characters; stdin past this is not a key. */
const MAX_KEY_INPUT = 4096;

/** The first line of stdin, read until its end (bounded), without the line break. */
export async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n') || text.length > MAX_KEY_INPUT) break;
  }
  process.stdin.pause();
  return (text.split(/\r?\n/, 1)[0] ?? '').trim();
}

/** The key from stdin, or a hidden prompt on a terminal. */
export async function keyFromStdin(): Promise<string> {
  const key = process.stdin.isTTY === true ? await password({ message: 'Key', mask: '*' }) : await firstLineOfStdin();
  if (key === '')
    throw new UsageError('no key on stdin: pipe it in (keyward verify - < key.txt) or type it when asked');
  return key.trim();
}

/**
 * `given` as the command line had it: `-` reads the key from stdin; anything else is the key
 * itself, used after a warning naming the safer form (`how`, e.g. "keyward verify -").
 */
export async function keyArgument(given: string, how: string): Promise<string> {
  if (given === '-') return keyFromStdin();
  errorLine(
    `warning: a key on the command line is visible to ps and kept in shell history; use "${how}" and give it on stdin or at the prompt`,
  );
  return given;
}
