/**
 * Issue 25 item 5 on the wire: a CLI's sign-in (client=cli) ends at the CLI, not in a cookie.
 * The callback hands a code to the CLI's loopback address (or shows it to paste); only the CLI
 * holding the PKCE verifier of the challenge it started with trades it for the session, which it
 * then sends as `Authorization: Bearer kwsession-…` (no CSRF token: a browser never sends that
 * header by itself), and which is refused as a cookie, as a console session is as a bearer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { expectProblem } from '../support/problem.js';
import { browser } from '../support/oidc.js';
import { buildOperatorWorld, type OperatorWorld } from '../support/operator-world.js';
import { DOMAIN } from '../support/sso-world.js';

const [sqlite] = sqliteOnly();
const LOOPBACK = 'http://127.0.0.1:45871/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Bob signs in for a CLI with `challenge`: where the callback sends his browser (its URL, or the page). */
async function cliSignIn(world: OperatorWorld, challenge: string, redirect: string | null = LOOPBACK) {
  const tab = browser('text/html');
  const query = new URLSearchParams({
    email: `bob@${DOMAIN}`,
    client: 'cli',
    challenge,
    ...(redirect === null ? {} : { redirect }),
  });
  const page = await tab.follow(`${world.base}/v1/sso/start?${query.toString()}`);
  const submitted = await tab.logIn(page, 'bob');
  const last = await tab.follow(
    submitted.location as string,
    (url) => !url.startsWith(`${world.base}/v1/sso/callback`),
  );
  return tab.request(new URL(last.location as string));
}

async function codeFor(world: OperatorWorld, challenge: string): Promise<string> {
  const handed = await cliSignIn(world, challenge);
  expect(handed.status, handed.text).toBe(303);
  const to = new URL(handed.location as string);
  expect(`${to.origin}${to.pathname}`).toBe(LOOPBACK);
  return to.searchParams.get('code') as string;
}

describe("a CLI's sign-in with SSO", () => {
  let world: OperatorWorld;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('SQLite is always there');
    world = await buildOperatorWorld(sqlite);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('hands the CLI a code for its session, which it uses as a bearer with no CSRF token', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(world, challenge);
    const traded = await world.kw.client().post('/v1/sso/token', { code, verifier });
    expect(traded.status, JSON.stringify(traded.body)).toBe(200);
    expect(traded.body.token).toMatch(/^kwsession-/);
    expect(traded.body.pending).toMatchObject({ email: `bob@${DOMAIN}`, keyChosen: true, mfaRequired: false });
    const cli = world.kw.client(traded.body.token);
    expect((await cli.get('/v1/me')).body.key.id).toBe(world.bob.keyId);
    const sessions = await cli.get('/v1/sessions');
    expect(sessions.body.items).toEqual([expect.objectContaining({ client: 'cli', current: true })]);
    // Signing out (keyward logout) is a write with the bearer alone.
    expect((await cli.delete(`/v1/sessions/${traded.body.sessionId}`)).status).toBe(200);
    expectProblem(await cli.get('/v1/me'), 401, 'SESSION_ENDED');
  });

  it('gives nothing for the code without the verifier it was started with', async () => {
    const { challenge } = pkce();
    const code = await codeFor(world, challenge);
    const traded = await world.kw.client().post('/v1/sso/token', { code, verifier: pkce().verifier });
    expect(traded.status).toBe(401);
    expect(traded.body).toMatchObject({ code: 'SSO_REFUSED', reason: 'code' });
    expect(traded.body.detail).toContain('verifier does not match');
    const forged = await world.kw.client().post('/v1/sso/token', { code: `${code}x`, verifier: pkce().verifier });
    expect(forged.body.detail).toContain('not one this server made');
  });

  it('refuses a CLI session sent as a cookie, and a console one sent as a bearer', async () => {
    const { verifier, challenge } = pkce();
    const traded = await world.kw.client().post('/v1/sso/token', { code: await codeFor(world, challenge), verifier });
    const token = (traded.body.token as string).slice('kwsession-'.length);
    const asCookie = await world.kw
      .client()
      .raw({ method: 'GET', path: '/v1/me', headers: { cookie: `keyward_session=${token}` } });
    expectProblem(asCookie, 401, 'SESSION_ENDED');
    const tab = browser();
    const page = await tab.follow(`${world.base}/v1/sso/start?email=bob@${DOMAIN}`);
    const submitted = await tab.logIn(page, 'bob');
    await tab.follow(submitted.location as string);
    const consoleToken = tab.cookies(world.base).get('keyward_session') as string;
    expectProblem(await world.kw.client(`kwsession-${consoleToken}`).get('/v1/me'), 401, 'SESSION_ENDED');
  });

  it('shows the code to paste when the CLI gave no loopback address (a browser elsewhere)', async () => {
    const { verifier, challenge } = pkce();
    const page = await cliSignIn(world, challenge, null);
    expect(page.status, `${page.location} ${page.text}`).toBe(200);
    const code = /<pre id="code"[^>]*>([^<]+)<\/pre>/.exec(page.text)?.[1] as string;
    expect((await world.kw.client().post('/v1/sso/token', { code, verifier })).status).toBe(200);
  });

  it('sends a refusal to the waiting CLI, saying why', async () => {
    const tab = browser('text/html');
    const query = new URLSearchParams({
      email: `carol@${DOMAIN}`,
      client: 'cli',
      challenge: pkce().challenge,
      redirect: LOOPBACK,
    });
    const page = await tab.follow(`${world.base}/v1/sso/start?${query.toString()}`);
    const submitted = await tab.logIn(page, 'carol');
    const last = await tab.follow(
      submitted.location as string,
      (url) => !url.startsWith(`${world.base}/v1/sso/callback`),
    );
    const refused = new URL((await tab.request(new URL(last.location as string))).location as string);
    expect(`${refused.origin}${refused.pathname}`).toBe(LOOPBACK);
    expect(refused.searchParams.get('reason')).toBe('email_unverified');
    expect(refused.searchParams.get('detail')).toContain('is verified');
  });

  it('hands codes only to a loopback address, and only for a CLI that sent its challenge', async () => {
    const start = (query: Record<string, string>) =>
      world.kw.client().get(`/v1/sso/start?${new URLSearchParams({ email: `bob@${DOMAIN}`, ...query }).toString()}`);
    const { challenge } = pkce();
    const elsewhere = await start({ client: 'cli', challenge, redirect: 'https://attacker.example/callback' });
    expectProblem(elsewhere, 400, 'VALIDATION');
    expect(elsewhere.body.detail).toContain('127.0.0.1');
    expectProblem(await start({ client: 'cli', redirect: LOOPBACK }), 400, 'VALIDATION');
    expectProblem(await start({ client: 'console', challenge }), 400, 'VALIDATION');
  });
});
