/**
 * What the CLI prints: aligned tables and fields for people, the API's objects unchanged with
 * `--json`, colour only on a TTY and never under NO_COLOR, and a refused call as its problem's
 * code, detail and request id on stderr with a non-zero exit.
 *
 * Everything the CLI prints goes through this file, and every string is escaped here on its way
 * out: names, details and messages come from the server, and so from other tenants (a PUBLIC
 * resource's name), so a control character in them must reach the terminal as visible text, never
 * as a command (clear the screen, write the clipboard with OSC 52, retitle the window). Colour is
 * therefore not written into strings: `bold`, `red`, … return a `Styled` run that only this file
 * turns into an escape sequence.
 */
import { KeywardApiError } from '../client/management.js';

export interface OutputOptions {
  readonly json?: boolean;
}

const STYLED: unique symbol = Symbol('styled');

/** A run of text in one of the CLI's own styles (SGR parameters): the only escape sequences it ever prints. */
export interface Styled {
  readonly [STYLED]: true;
  readonly sgr: string;
  readonly text: string;
  toString(): string;
}

/** What a line is made of: strings, always escaped, and styled runs. */
export type Part = string | Styled;

const isStyled = (value: unknown): value is Styled => typeof value === 'object' && value !== null && STYLED in value;

// Unicode's control characters (Cc: C0, DEL and C1, ESC and CSI 0x9b among them) and the bidirectional
// overrides and isolates, which make a terminal show text in another order than it is (Trojan Source).
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_BUT_NEWLINE = /(?!\n)[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const visible = (char: string): string => {
  const code = char.codePointAt(0) ?? 0;
  return (
    NAMED[char] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
};

/** The text with every control character written as its escape (`\x1b`, `\n`, `\u202e`): what the terminal then shows is what was there. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, visible);
}

const colourOn = (stream: NodeJS.WriteStream): boolean =>
  stream.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';

// `toString`: a styled run put into a template string by mistake still prints its text (escaped, uncoloured).
const paint =
  (sgr: string) =>
  (text: string): Styled => ({ [STYLED]: true, sgr, text, toString: () => text });
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const red = paint('31');
export const yellow = paint('33');
/** Dark on light, whatever the terminal's theme: what a QR code needs to scan. */
export const inverse = paint('47;30');

function render(parts: readonly Part[], colour: boolean): string {
  return parts
    .map((part) =>
      typeof part === 'string'
        ? escapeControl(part)
        : colour
          ? `\u001b[${part.sgr}m${escapeControl(part.text)}\u001b[0m`
          : escapeControl(part.text),
    )
    .join('');
}

/** One line on stdout: a newline inside a part is shown as `\n`, so no value can forge a row of its own. */
export function line(...parts: Part[]): void {
  process.stdout.write(render(parts, colourOn(process.stdout)) + '\n');
}

/** One line on stderr, as `line`. */
export function errorLine(...parts: Part[]): void {
  process.stderr.write(render(parts, colourOn(process.stderr)) + '\n');
}

/** A progress line on a terminal's stderr, redrawn in place; `done` ends it. Nothing when stderr is not a terminal. */
export function progressLine(text: string, done = false): void {
  if (process.stderr.isTTY !== true) return;
  process.stderr.write(`\r${escapeControl(text)}${done ? '\n' : ''}`);
}

/** Text of several lines the CLI made itself (help, a completion script, JSON): escaped but for its newlines. */
export function block(text: string, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(text.replace(UNSAFE_BUT_NEWLINE, visible));
}

/** Commander's help and errors (which echo what was typed) through the same escaping. */
export const COMMANDER_OUTPUT = {
  writeOut: (text: string) => block(text, process.stdout),
  writeErr: (text: string) => block(text, process.stderr),
};

/**
 * The API's object as JSON. JSON.stringify writes C0 characters as `\u00XX` but leaves DEL, C1
 * (CSI 0x9b) and the bidirectional controls raw: those are written as `\u00XX` too, which reads
 * back as the same string, so the output stays the API's object and valid JSON.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE_BUT_NEWLINE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

const textOf = (part: Part): string => (typeof part === 'string' ? part : part.text);
/** What a part takes on screen. */
const plain = (part: Part): string => escapeControl(textOf(part));

export function cell(value: unknown): Part {
  if (value === null || value === undefined) return '-';
  if (isStyled(value)) return value;
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((item) => textOf(cell(item))).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export type Column<T> = readonly [header: string, value: (row: T) => unknown];

/** An aligned table, measured on the escaped text; the last column is not padded. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map(([, value]) => cell(value(row))));
  const widths = columns.map(([header], i) =>
    Math.max(header.length, ...cells.map((row) => plain(row[i] ?? '').length)),
  );
  const aligned = (row: readonly Part[]): Part[] =>
    row.flatMap((part, i) =>
      i === row.length - 1 ? [part] : [part, ' '.repeat((widths[i] ?? 0) - plain(part).length + 2)],
    );
  line(
    bold(
      aligned(columns.map(([header]) => header.toUpperCase()))
        .map(textOf)
        .join('')
        .trimEnd(),
    ),
  );
  for (const row of cells) line(...aligned(row));
  if (rows.length === 0) line(dim('(none)'));
}

/** One object as `field  value` lines. */
export function fields(object: Readonly<Record<string, unknown>>): void {
  const names = Object.keys(object);
  const width = Math.max(0, ...names.map((name) => name.length));
  for (const name of names) line(dim(name.padEnd(width)), '  ', cell(object[name]));
}

/** `--json`: the API's object as is; otherwise the human rendering. */
export function show<T>(value: T, options: OutputOptions, human: (value: T) => void): void {
  if (options.json === true) block(jsonText(value) + '\n');
  else human(value);
}

export function pageFooter(nextCursor: string | null): void {
  if (nextCursor !== null) line(dim(`more: --cursor ${nextCursor}`));
}

/** A list command's page: `--json`, the API's page as is; otherwise a table and where the next page starts. */
export function showPage<T>(
  page: { readonly items: readonly T[]; readonly nextCursor: string | null },
  options: OutputOptions,
  columns: readonly Column<T>[],
): void {
  show(page, options, () => {
    table(page.items, columns);
    pageFooter(page.nextCursor);
  });
}

/** A new secret: printed once, with the warning that it will not be shown again. */
export function secret(label: string, value: string): void {
  line('');
  line(bold(label), ': ', value);
  line(yellow('Store it now: it is shown this once and never again.'));
}

/** Prints a failure the way every command does, and marks the process as failed. */
export function fail(error: unknown): void {
  if (error instanceof KeywardApiError) {
    const { code, detail, requestId } = error.problem;
    errorLine(red('error'), `: ${code ?? `HTTP ${error.httpStatus}`}: ${detail ?? error.problem.title ?? 'no detail'}`);
    if (requestId !== undefined) errorLine(`requestId: ${requestId}`);
  } else {
    errorLine(red('error'), `: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 1;
}

/** A mistake in how the command was called (not the server's refusal). */
export class UsageError extends Error {}
