/**
 * Runs Keyward: builds the app, listens, prints where it serves (and the root key on the first
 * start only), and on SIGTERM or SIGINT stops taking connections, lets in-flight requests finish
 * and exits 0.
 */
import { buildApp, type Keyward } from './app.js';
import type { Config } from './config.js';

export interface Running {
  readonly keyward: Keyward;
  readonly url: string;
}

export async function serve(config: Config, print: (line: string) => void = (line) => process.stdout.write(line + '\n')): Promise<Running> {
  const keyward = await buildApp({ config });
  const address = await keyward.app.listen({ host: config.host, port: config.port });
  const url = address.replace('[::1]', 'localhost');
  print(`Keyward listening on ${url} (storage: ${keyward.storage.dialect}, ${keyward.storage.location})`);
  print(`  API docs: ${url}/docs`);
  if (keyward.rootKey.createdKey !== null) {
    print('');
    print('  Root key (shown this once; also written to ' + `${config.dataDir}/root.key, mode 0600):`);
    print(`  ${keyward.rootKey.createdKey}`);
    print('');
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
