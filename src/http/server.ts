/**
 * Runs Keyward: builds the app, listens, prints where it serves, the console and the docs (and
 * the root key on the first start that serves only), and on SIGTERM or SIGINT stops taking
 * connections, lets in-flight requests finish and exits 0: within KEYWARD_SHUTDOWN_TIMEOUT_MS,
 * even when PostgreSQL or Redis has gone silent (else it exits 1 at that bound).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type Keyward } from './app.js';
import type { Config } from './config.js';

export interface Running {
  readonly keyward: Keyward;
  readonly url: string;
}

/** Beside root.key while the root key has been made but not yet printed by a start that served. */
const UNSHOWN_MARKER = 'root.key.unshown';

function unshownRootKey(dataDir: string): string | null {
  if (!existsSync(join(dataDir, UNSHOWN_MARKER))) return null;
  const file = join(dataDir, 'root.key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

export async function serve(config: Config, print: (line: string) => void = (line) => process.stdout.write(line + '\n')): Promise<Running> {
  const keyward = await buildApp({ config });
  const unshown = join(config.dataDir, UNSHOWN_MARKER);
  let address: string;
  try {
    address = await keyward.app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // The key was made but nobody saw it (the port was taken, say): the next start that serves prints it.
    if (keyward.rootKey.createdKey !== null) writeFileSync(unshown, '', { mode: 0o600 });
    await keyward.close().catch(() => undefined);
    throw error;
  }
  const url = address.replace('[::1]', 'localhost');
  print(`Keyward listening on ${url} (storage: ${keyward.storage.dialect}, ${keyward.storage.location})`);
  print(`  Console: ${url}/ui`);
  print(`  API docs: ${url}/docs`);
  const rootKey = keyward.rootKey.createdKey ?? unshownRootKey(config.dataDir);
  if (rootKey !== null) {
    print('');
    print('  Root key (shown this once; also written to ' + `${config.dataDir}/root.key, mode 0600):`);
    print(`  ${rootKey}`);
    print('');
    rmSync(unshown, { force: true });
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    keyward.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    // A keep-alive connection whose request was in flight at the signal would otherwise hold the
    // process open after answering, until the client (a proxy, often) closes it: close each one
    // as soon as it is idle.
    const sweep = setInterval(() => keyward.app.server.closeIdleConnections(), 100);
    // Every wait of a drain is bounded on its own (requests, flushes and goodbyes to PostgreSQL
    // and Redis); this is the bound on them all, whatever was missed.
    const bound = setTimeout(() => {
      keyward.app.log.error({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish within KEYWARD_SHUTDOWN_TIMEOUT_MS: exiting now');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    bound.unref();
    keyward
      .close()
      .finally(() => clearInterval(sweep))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        keyward.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return { keyward, url };
}
