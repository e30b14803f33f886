/**
 * A real OpenID Connect provider (oidc-provider 8) in the test process on loopback, with its
 * development login form: whatever is typed as the login is the account, and `accounts` says
 * each account's email and whether it is verified. Consent is granted without a page, so a
 * sign-in is: the login form, then back to the relying party. `browser()` is a small cookie-
 * keeping HTTP client that follows redirects like a browser, for the tests that need no Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ProviderContext } from 'oidc-provider';

export interface TestAccount {
  readonly email: string;
  readonly verified: boolean;
  /** What the provider says it checked at login (RFC 8176 `amr`), e.g. `['pwd', 'mfa']`; absent: nothing. */
  readonly amr?: readonly string[];
}

export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
}

export async function startProvider(
  redirectUris: readonly string[],
  accounts: Readonly<Record<string, TestAccount>>,
): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'keyward';
  const clientSecret = 'keyward-test-client-secret-0123456789';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: async (_ctx: unknown, id: string) => {
      const account = accounts[id];
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account?.email ?? id,
          email_verified: account?.verified ?? true,
          name: id,
        }),
      };
    },
    // Consent granted at once: the tests sign in through the login form only.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  });
  // The development login form finishes a login with its account alone; an account that says how
  // it was checked gets that `amr` on its session, so its ID tokens carry it.
  const finish = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req, res, result, options) => {
    const login = (result as { login?: { accountId?: string } }).login;
    const amr = login?.accountId === undefined ? undefined : accounts[login.accountId]?.amr;
    return finish(req, res, amr === undefined ? result : { ...result, login: { ...login, amr: [...amr] } }, options);
  };
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BrowserResponse {
  readonly status: number;
  readonly url: string;
  readonly location: string | null;
  readonly text: string;
}

/** A cookie jar per origin and redirects followed until `stop` says so; enough of a browser for the protocol. */
export function browser(accept = 'application/json') {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL) => {
    let jar = jars.get(url.origin);
    if (jar === undefined) {
      jar = new Map();
      jars.set(url.origin, jar);
    }
    return jar;
  };
  const request = async (url: URL, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const jar = jarOf(url);
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        accept,
        ...(jar.size === 0 ? {} : { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const gone = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      url: url.href,
      location: location === null ? null : new URL(location, url).href,
      text: await response.text(),
    };
  };
  return {
    cookies: (origin: string) => jarOf(new URL(origin)),
    request,
    /** GETs `start`, following redirects while `keepGoing(url)` says so; answers the last response. */
    async follow(start: string, keepGoing: (url: string) => boolean = () => true): Promise<BrowserResponse> {
      let response = await request(new URL(start));
      for (let hops = 0; response.location !== null && hops < 20; hops++) {
        if (!keepGoing(response.location)) return response;
        response = await request(new URL(response.location));
      }
      return response;
    },
    /** Submits the provider's login form (devInteractions) found on `page`. */
    async logIn(page: BrowserResponse, login: string): Promise<BrowserResponse> {
      const action = /action="([^"]+)"/.exec(page.text)?.[1];
      if (action === undefined) throw new Error(`no login form on ${page.url}: ${page.text.slice(0, 300)}`);
      return request(new URL(action, page.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
      });
    },
  };
}
