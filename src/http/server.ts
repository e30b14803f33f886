/**
 * Runs Keyward: builds the app (waiting for a database that is not up yet, waiting-start.ts),
 * listens, prints where it serves, the console and the docs, and says where the root key is on
 * the first start that serves: printed when stdout is a terminal, else only written to
 * `<data dir>/root.key` (0600) with a log line naming the file, so that a key never lands in a
 * log pipeline. On SIGTERM or SIGINT it stops gracefully (stopping.ts).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type Keyward } from './app.js';
import type { Config } from './config.js';
import { stopOnSignals } from './stopping.js';
import { stopPretenuring } from './pretenuring.js';
import { keepTickObjectShape } from './tick-shape.js';
import { buildWhenDatabaseAnswers } from './waiting-start.js';

export interface Running {
  readonly keyward: Keyward;
  readonly url: string;
}

export interface ServeOptions {
  /** Where the banner goes (default stdout). */
  readonly print?: (line: string) => void;
  /** Whether the banner is read by a person at a terminal (default: whether stdout is a TTY). */
  readonly terminal?: boolean;
  /** Whether SIGTERM and SIGINT stop the process (default true; tests that embed `serve` say false). */
  readonly handleSignals?: boolean;
}

/** Beside root.key while the root key has been made but not yet shown by a start that served. */
const UNSHOWN_MARKER = 'root.key.unshown';

function unshownRootKey(dataDir: string): string | null {
  if (!existsSync(join(dataDir, UNSHOWN_MARKER))) return null;
  const file = join(dataDir, 'root.key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<Running> {
  // A process that serves keeps nextTick fast for good: before the build, whose work ends in the
  // major GC that would otherwise free the tick objects' maps (tick-shape.ts; buildApp asks again,
  // for processes that embed it). And V8 stops pretenuring literals into the old generation
  // (pretenuring.ts): only here, since a process that embeds Keyward may rely on it for its own.
  keepTickObjectShape();
  stopPretenuring();
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const terminal = options.terminal ?? process.stdout.isTTY === true;
  const { keyward, port } = await buildWhenDatabaseAnswers(config, () => buildApp({ config }));
  const unshown = join(config.dataDir, UNSHOWN_MARKER);
  let address: string;
  try {
    address = await keyward.app.listen({ host: config.host, port });
  } catch (error) {
    // The key was made but nobody saw it (the port was taken, say): the next start that serves shows it.
    if (keyward.rootKey.createdKey !== null) writeFileSync(unshown, '', { mode: 0o600 });
    await keyward.close().catch(() => undefined);
    throw error;
  }
  const url = address.replace('[::1]', 'localhost');
  print(`Keyward listening on ${url} (storage: ${keyward.storage.dialect}, ${keyward.storage.location})`);
  print(`  Console: ${url}/ui`);
  print(`  API docs: ${url}/docs`);
  // A node trusts its caches only as long after its last read of the change log as the bound;
  // polled less often, they are distrusted between polls and most verifies read storage.
  if (config.changePollMs >= config.maxStalenessMs)
    print(
      `  Warning: KEYWARD_CHANGE_POLL_MS (${config.changePollMs}) is not below KEYWARD_MAX_STALENESS_MS (${config.maxStalenessMs}): caches go stale between polls and most verifies will read storage`,
    );
  const rootKey = keyward.rootKey.createdKey ?? unshownRootKey(config.dataDir);
  if (rootKey !== null) {
    const file = join(config.dataDir, 'root.key');
    if (terminal) {
      print('');
      print(`  Root key (shown this once; also written to ${file}, mode 0600):`);
      print(`  ${rootKey}`);
      print('');
    } else {
      keyward.app.log.warn(
        { rootKeyFile: file },
        `a root key was made and written to ${file} (mode 0600), not printed: standard output is not a terminal. Copy it to your secret store, then delete the file`,
      );
    }
    rmSync(unshown, { force: true });
  }
  if (options.handleSignals !== false) stopOnSignals(keyward, config);
  return { keyward, url };
}
