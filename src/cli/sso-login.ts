/**
 * `keyward login --sso`: a person signs in with their company's identity provider (or an operator
 * with the operators' one, `--operator`) and the profile keeps a session, never a key. As RFC 8252
 * has native apps do it: the CLI listens on 127.0.0.1 at a random port, opens the browser on
 * Keyward's sign-in with the S256 challenge of a verifier it keeps, is handed a code on its
 * loopback address, and trades code and verifier for the session (`POST /v1/sso/token`). With
 * `--no-browser` (a browser on another machine) it prints the address instead, and reads the code
 * the sign-in page shows from stdin. The wait ends after ten minutes, as the sign-in itself does.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { input, select } from '@inquirer/prompts';
import type { PendingSessionObject, SsoTokenObject } from '../api/sessions.js';
import { createClient, KeywardApiError, type KeywardClient } from '../client/management.js';
import { firstLineOfStdin } from './key-input.js';
import { errorLine, UsageError } from './output.js';

const WAIT_MS = 10 * 60_000;

export interface SsoLoginOptions {
  readonly url: string;
  /** The person's work email: it names their tenant's provider. Absent with `operator`. */
  readonly email?: string;
  readonly operator: boolean;
  /** false: print the address and read the code from stdin (`--no-browser`). */
  readonly browser: boolean;
  /** The key the session acts with, when the person has several (else asked on a terminal). */
  readonly keyId?: string;
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

function signInUrl(options: SsoLoginOptions, challenge: string, redirect: string | undefined): string {
  const query = new URLSearchParams({
    ...(options.operator ? {} : { email: options.email ?? '' }),
    client: 'cli',
    challenge,
    ...(redirect === undefined ? {} : { redirect }),
  });
  return `${options.url.replace(/\/+$/, '')}/v1/sso/${options.operator ? 'operator' : 'start'}?${query.toString()}`;
}

/** The loopback address the sign-in comes back to, and the code (or the refusal) it brings. */
async function listenForCode(): Promise<{ redirect: string; code: Promise<string>; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirect = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const code = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new UsageError('no sign-in within 10 minutes: run it again')), WAIT_MS);
    server.on('request', (request, response) => {
      const query = new URL(request.url ?? '/', redirect).searchParams;
      if (new URL(request.url ?? '/', redirect).pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      const given = query.get('code');
      const refused = query.get('sso_error');
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end(
        given !== null
          ? 'Signed in: you can close this tab and go back to the terminal.'
          : `Sign-in refused: ${query.get('detail') ?? refused ?? 'no code'}`,
      );
      clearTimeout(timer);
      if (given !== null) resolve(given);
      else {
        const why = [refused ?? 'no code', query.get('reason')].filter((part) => part !== null).join(', ');
        reject(new UsageError(`sign-in refused (${why}): ${query.get('detail') ?? ''}`));
      }
    });
  });
  return { redirect, code, server };
}

/** Opens the address in the desktop's browser; false when there is none to open. */
function openBrowser(url: string): Promise<boolean> {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  return new Promise((resolve) => {
    try {
      const child = spawn(command, [url], { stdio: 'ignore', detached: true });
      child.on('error', () => resolve(false));
      child.on('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

async function codeFromBrowser(options: SsoLoginOptions, challenge: string): Promise<string> {
  if (!options.browser) {
    errorLine('Open this address in a browser and sign in:');
    errorLine(`  ${signInUrl(options, challenge, undefined)}`);
    errorLine('Then paste the code the page shows:');
    const code = process.stdin.isTTY === true ? await input({ message: 'Code' }) : await firstLineOfStdin();
    if (code.trim() === '') throw new UsageError('no code given');
    return code.trim();
  }
  const { redirect, code, server } = await listenForCode();
  try {
    const url = signInUrl(options, challenge, redirect);
    errorLine('Signing in with SSO in your browser. If none opens, open this address:');
    errorLine(`  ${url}`);
    // A desktop may have no browser (SSH, CI): the printed address is the way then.
    if (process.env['KEYWARD_NO_BROWSER'] !== 'true') await openBrowser(url);
    return await code;
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

/** What the session still waits for, asked of the person: the key to act with, a one-time code. */
async function finish(client: KeywardClient, pending: PendingSessionObject, keyId: string | undefined) {
  let state = pending;
  if (!state.keyChosen) {
    const chosen =
      keyId ??
      (process.stdin.isTTY === true && state.keys.length > 0
        ? await select({
            message: 'Act with which of your keys?',
            choices: state.keys.map((key) => ({ name: `${key.name} (${key.id})`, value: key.id })),
          })
        : undefined);
    if (chosen === undefined)
      throw new UsageError(
        `you hold several keys that may sign in: pass --key-id with one of ${state.keys.map((k) => k.id).join(', ')}`,
      );
    state = await client.sso.updateSignIn({ keyId: chosen });
  }
  if (state.mfaRequired) {
    if (process.stdin.isTTY !== true)
      throw new UsageError('this tenant asks for your one-time code: run on a terminal');
    state = await client.sso.updateSignIn({ code: (await input({ message: 'One-time code' })).trim() });
  }
  return state;
}

/** Signs in and answers the session for the profile, complete. */
export async function loginWithSso(options: SsoLoginOptions): Promise<SsoTokenObject & { email: string }> {
  if (!options.operator && (options.email === undefined || !options.email.includes('@')))
    throw new UsageError(
      '--sso needs --email <your work email> (it names your company’s identity provider), or --operator',
    );
  const { verifier, challenge } = pkce();
  const code = await codeFromBrowser(options, challenge);
  const signedIn = await createClient({ baseUrl: options.url, key: '' }).sso.createToken({ code, verifier });
  const client = createClient({ baseUrl: options.url, key: signedIn.token });
  try {
    const pending = await finish(client, signedIn.pending, options.keyId);
    return { ...signedIn, pending, email: pending.email };
  } catch (error) {
    // A sign-in left half-done is ended rather than left to expire.
    await client.sessions.delete(signedIn.sessionId).catch(() => undefined);
    throw error instanceof KeywardApiError || error instanceof UsageError ? error : new UsageError(String(error));
  }
}
