/**
 * What the CLI prints: aligned tables and fields for people, the API's objects unchanged with
 * `--json`, colour only on a TTY and never under NO_COLOR, and a refused call as its problem's
 * code, detail and request id on stderr with a non-zero exit.
 */
import { KeywardApiError } from '../client/management.js';

export interface OutputOptions {
  readonly json?: boolean;
}

const colourOn = (): boolean => process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';
const errColour = (): boolean => process.stderr.isTTY === true && process.env['NO_COLOR'] === undefined;

const paint = (code: number, on: boolean) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = (text: string): string => paint(1, colourOn())(text);
export const dim = (text: string): string => paint(2, colourOn())(text);
export const green = (text: string): string => paint(32, colourOn())(text);
export const red = (text: string): string => paint(31, colourOn())(text);
export const yellow = (text: string): string => paint(33, colourOn())(text);

export function line(text = ''): void {
  process.stdout.write(text + '\n');
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export type Column<T> = readonly [header: string, value: (row: T) => unknown];

/** An aligned table; the last column is not padded. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  const texts = rows.map((row) => columns.map(([, value]) => cell(value(row))));
  const widths = columns.map(([header], i) => Math.max(header.length, ...texts.map((cells) => (cells[i] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  line(bold(render(columns.map(([header]) => header.toUpperCase()))));
  for (const cells of texts) line(render(cells));
  if (rows.length === 0) line(dim('(none)'));
}

/** One object as `field  value` lines. */
export function fields(object: Readonly<Record<string, unknown>>): void {
  const names = Object.keys(object);
  const width = Math.max(0, ...names.map((name) => name.length));
  for (const name of names) line(`${dim(name.padEnd(width))}  ${cell(object[name])}`);
}

/** `--json`: the API's object as is; otherwise the human rendering. */
export function show<T>(value: T, options: OutputOptions, human: (value: T) => void): void {
  if (options.json === true) line(JSON.stringify(value, null, 2));
  else human(value);
}

export function pageFooter(nextCursor: string | null): void {
  if (nextCursor !== null) line(dim(`more: --cursor ${nextCursor}`));
}

/** A new secret: printed once, with the warning that it will not be shown again. */
export function secret(label: string, value: string): void {
  line('');
  line(`${bold(label)}: ${value}`);
  line(yellow('Store it now: it is shown this once and never again.'));
}

/** Prints a failure the way every command does, and marks the process as failed. */
export function fail(error: unknown): void {
  const on = errColour();
  if (error instanceof KeywardApiError) {
    const { code, detail, requestId } = error.problem;
    process.stderr.write(`${paint(31, on)('error')}: ${code ?? `HTTP ${error.httpStatus}`}: ${detail ?? error.problem.title ?? 'no detail'}\n`);
    if (requestId !== undefined) process.stderr.write(`requestId: ${requestId}\n`);
  } else {
    process.stderr.write(`${paint(31, on)('error')}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
}

/** A mistake in how the command was called (not the server's refusal). */
export class UsageError extends Error {}
