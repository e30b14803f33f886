/**
 * The console's client (ui/src/api.ts): keyward/client's management client wrapped for a browser
 * tab. Each test answers the tab's fetch itself and looks at what was sent and what the page sees.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi, describeError, KeywardApiError, listAll } from '../src/api';
import { SESSION_KEY } from '../src/sso';

interface Sent {
  readonly url: string;
  readonly init: RequestInit;
}

const ORIGIN = 'http://console.test';
const KEY = 'kw_test_secret';
let sent: Sent[];
let answer: (sent: Sent) => Response;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, code: string, detail: string) =>
  json(status, { type: `urn:keyward:problem:${code.toLowerCase()}`, status, code, detail, requestId: 'req_1' });
const page = (items: unknown[], nextCursor: string | null = null) => ({ items, nextCursor });

beforeEach(() => {
  sent = [];
  answer = () => json(200, page([]));
  vi.stubGlobal('window', { location: { origin: ORIGIN } });
  vi.stubGlobal('fetch', async (input: string, init: RequestInit) => {
    const call = { url: input, init };
    sent.push(call);
    return answer(call);
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const last = (): Sent => {
  const call = sent.at(-1);
  if (call === undefined) throw new Error('nothing was sent');
  return call;
};
const bodyOf = (call: Sent) => JSON.parse(String(call.init.body));

describe("the console's client", () => {
  it('calls the route the shared client names, with the key as bearer, nothing cached and no cookie', async () => {
    answer = () => json(200, { id: 'key_01' });
    await createApi(KEY).keys.get('key_01');
    const call = last();
    expect(call.url).toBe(`${ORIGIN}/v1/keys/key_01`);
    expect(call.init.method).toBe('GET');
    expect(call.init.headers).toMatchObject({ authorization: `Bearer ${KEY}` });
    expect(call.init).toMatchObject({ cache: 'no-store', credentials: 'omit' });
  });

  it('marks a pasted key as a console sign-in (requireSso refuses it there, not in API calls)', async () => {
    await createApi(KEY).me();
    expect(last().init.headers).toMatchObject({ 'x-keyward-console': 'key' });
  });

  it('signed in with SSO, sends the session cookie and no key, and its CSRF token on writes only', async () => {
    vi.stubGlobal('document', { cookie: 'other=1; keyward_csrf=csrf-token-1' });
    await createApi(SESSION_KEY).me();
    const read = last();
    expect(read.init).toMatchObject({ credentials: 'same-origin' });
    expect(Object.keys(read.init.headers as object)).not.toContain('authorization');
    expect(Object.keys(read.init.headers as object)).not.toContain('x-keyward-csrf');
    answer = () => json(200, { id: 'key_01' });
    await createApi(SESSION_KEY).keys.revoke('key_01');
    expect(last().init.headers).toMatchObject({ 'x-keyward-csrf': 'csrf-token-1' });
    expect(Object.keys(last().init.headers as object)).not.toContain('authorization');
  });

  it("scopes root's lists and creations of a tenant's things to the picked tenant, and nothing else", async () => {
    const api = createApi(KEY, () => undefined, 'ten_01acme');
    await api.keys.list({ limit: 100 });
    expect(last().url).toBe(`${ORIGIN}/v1/keys?tenantId=ten_01acme&limit=100`);
    answer = () => json(201, { id: 'grp_01' });
    await api.groups.create({ name: 'ops' });
    expect(bodyOf(last())).toEqual({ tenantId: 'ten_01acme', name: 'ops' });
    answer = () => json(200, { ok: true, checked: 0 });
    await api.audit.verify();
    expect(last().url).toBe(`${ORIGIN}/v1/audit/verify?tenantId=ten_01acme`);
    answer = () => json(200, page([]));
    await api.resources.list({ type: 'agent' });
    expect(last().url).toBe(`${ORIGIN}/v1/resources?type=agent`);
  });

  it('leaves a tenant key’s calls as they are', async () => {
    await createApi(KEY).policies.list();
    expect(last().url).toBe(`${ORIGIN}/v1/policies`);
  });

  it('ends the session on a 401 saying the key stopped working, and the page sees the refusal', async () => {
    const gone = vi.fn();
    answer = () => problem(401, 'REVOKED', 'the key was revoked');
    const refusal = await createApi(KEY, gone)
      .me()
      .catch((error: unknown) => error);
    expect(gone).toHaveBeenCalledWith({ code: 'REVOKED', detail: 'the key was revoked' });
    expect(refusal).toBeInstanceOf(KeywardApiError);
    expect(describeError(refusal)).toBe('the key was revoked (REVOKED)');
  });

  it.each([
    [401, 'MFA_REQUIRED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
  ])('keeps the session on a %i %s', async (status, code) => {
    const gone = vi.fn();
    answer = () => problem(status, code, 'no');
    await expect(createApi(KEY, gone).keys.get('key_01')).rejects.toBeInstanceOf(KeywardApiError);
    expect(gone).not.toHaveBeenCalled();
  });

  it('says why a call got no answer, or an answer that is no problem', async () => {
    answer = () => {
      throw new TypeError('Failed to fetch');
    };
    const unreachable = await createApi(KEY)
      .me()
      .catch((error: unknown) => error);
    expect(describeError(unreachable)).toMatch(
      /^Keyward could not be reached at http:\/\/console\.test: Failed to fetch \(UNREACHABLE\)$/,
    );
    answer = () => new Response('Bad Gateway', { status: 502 });
    const gateway = await createApi(KEY)
      .me()
      .catch((error: unknown) => error);
    expect(describeError(gateway)).toBe('Bad Gateway (HTTP_502)');
  });

  it('reads every page of a list, cursor after cursor', async () => {
    answer = ({ url }) =>
      url.includes('cursor=c2') ? json(200, page([{ id: 'b' }])) : json(200, page([{ id: 'a' }], 'c2'));
    const api = createApi(KEY);
    expect(await listAll(api.users.list)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(sent.map((call) => call.url)).toEqual([`${ORIGIN}/v1/users`, `${ORIGIN}/v1/users?cursor=c2`]);
  });
});
