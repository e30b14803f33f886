/**
 * `keyward keys import FILE`: adopts the keys of a home-grown system from a JSON-lines file, one
 * key per line (`{"sha256": "<hex>", "name": "…", …}`, or the API's `hash` object), by their
 * SHA-256. It streams: batches of 500 lines go to `POST /v1/keys/import/batch` one at a time (one
 * transaction each) while the next batch is read, so memory holds two batches whatever the
 * file's size. On a terminal a progress line counts the keys. A refused batch stops the import:
 * every line before it is imported, none after, and `--skip` resumes after fixing the line named.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { ImportKeyInput } from '../api/key-import.js';
import type { KeywardClient } from '../client/management.js';
import { collect, integer, list, run, str } from './command-kit.js';
import { line, progressLine, UsageError } from './output.js';

const BATCH = 500;

interface Defaults {
  readonly environmentId?: string | undefined;
  readonly prefix?: string | undefined;
  readonly permissions?: string[] | undefined;
  readonly scopes?: string[] | undefined;
  readonly preset?: string | undefined;
}

/** One line as the API takes it: `sha256` is shorthand for the hash object; the flags fill what the line leaves out. */
function itemOf(text: string, lineNumber: number, defaults: Defaults): ImportKeyInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`line ${lineNumber}: not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`line ${lineNumber}: not a JSON object`);
  const { sha256, ...rest } = parsed as Record<string, unknown>;
  const item: Record<string, unknown> = { ...rest };
  if (sha256 !== undefined) {
    // Checked here, where the line is known: the API can only name the field of its batch.
    if (typeof sha256 !== 'string' || !/^[0-9A-Fa-f]{64}$/.test(sha256))
      throw new UsageError(`line ${lineNumber}: sha256 must be the key's SHA-256 in hex (64 characters)`);
    item['hash'] = { algorithm: 'sha256', value: sha256 };
  }
  const fill = (name: string, value: unknown) => {
    if (item[name] === undefined && value !== undefined) item[name] = value;
  };
  fill('environmentId', defaults.environmentId);
  fill('prefix', defaults.prefix);
  fill('permissions', defaults.permissions);
  fill('scopes', defaults.scopes);
  fill('preset', defaults.preset);
  if (item['name'] === undefined) item['name'] = `imported line ${lineNumber}`;
  return item as unknown as ImportKeyInput;
}

interface Progress {
  imported: number;
  readonly started: number;
}

function showProgress(progress: Progress, done = false): void {
  const seconds = ((Date.now() - progress.started) / 1000).toFixed(1);
  progressLine(`imported ${progress.imported} keys in ${seconds}s`, done);
}

async function send(
  client: KeywardClient,
  batch: readonly ImportKeyInput[],
  firstLine: number,
  progress: Progress,
): Promise<void> {
  try {
    await client.keys.importKeyBatch({ keys: [...batch] });
  } catch (error) {
    const field = (error as { problem?: { field?: unknown } }).problem?.field;
    // `keys/3` (a conflict) or `keys.3.hash.value` (a field the schema refused): item 3 of the batch.
    const item = typeof field === 'string' ? /^keys[./](\d+)/.exec(field) : null;
    const at =
      item === null ? `lines ${firstLine}-${firstLine + batch.length - 1}` : `line ${firstLine + Number(item[1])}`;
    showProgress(progress, true);
    const kept =
      progress.imported === 0
        ? 'nothing from this run is imported'
        : `lines before ${firstLine} are imported, none from line ${firstLine} on`;
    line(`Stopped at ${at}: ${kept} (each batch of ${BATCH} is all or none).`);
    line(`Fix it, then run again with --skip ${firstLine - 1}.`);
    throw error;
  }
  progress.imported += batch.length;
  showProgress(progress);
}

export function registerKeyImport(keys: Command): void {
  keys
    .command('import <file>')
    .description(
      "adopt an existing system's keys by their SHA-256, from a JSON-lines file (one key a line: sha256, name, and any field of POST /v1/keys/import); 500 a batch, each all or none",
    )
    .option('--environment <id>', 'the environment of keys whose line names none')
    .option('--prefix <prefix>', 'the keys’ own prefix (e.g. sk_live_), for lines naming none')
    .option('--permission <permission>', 'a permission for lines naming none (repeatable)', collect)
    .option('--scope <scope>', 'a scope for lines naming none (repeatable)', collect)
    .option('--preset <preset>', 'a preset for lines naming none')
    .option('--skip <lines>', 'skip this many lines first (to resume after a stop)', integer)
    .action((file: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const defaults: Defaults = {
          environmentId: str(opts, 'environment'),
          prefix: str(opts, 'prefix'),
          permissions: list(opts, 'permission'),
          scopes: list(opts, 'scope'),
          preset: str(opts, 'preset'),
        };
        const skip = typeof opts['skip'] === 'number' ? opts['skip'] : 0;
        const progress: Progress = { imported: 0, started: Date.now() };
        const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
        let lineNumber = 0;
        let batch: ImportKeyInput[] = [];
        let firstLine = skip + 1;
        // One batch in flight while the next is read: memory stays at two batches.
        let inFlight: Promise<void> = Promise.resolve();
        for await (const text of lines) {
          lineNumber++;
          if (lineNumber <= skip || text.trim() === '') continue;
          if (batch.length === 0) firstLine = lineNumber;
          batch.push(itemOf(text, lineNumber, defaults));
          if (batch.length < BATCH) continue;
          await inFlight;
          inFlight = send(client, batch, firstLine, progress);
          // Awaited before the next batch goes; marked handled so a refusal while reading is not an unhandled one.
          inFlight.catch(() => undefined);
          batch = [];
        }
        await inFlight;
        if (batch.length > 0) await send(client, batch, firstLine, progress);
        showProgress(progress, true);
        const seconds = (Date.now() - progress.started) / 1000;
        if (json) line(JSON.stringify({ imported: progress.imported, seconds }));
        else line(`Imported ${progress.imported} keys from ${file} in ${seconds.toFixed(1)}s`);
      }),
    );
}
