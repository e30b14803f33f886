/**
 * A `secret` resource's value is encrypted at rest (SPEC §1): on SQLite not one byte of it is in
 * the data directory (the database file, its WAL, its shared memory, or anything else there); on
 * every database not in any column of any table; never in the log or the audit trail, not even
 * from a refused or invalid request. It is answered decrypted only to a key that may read the
 * secret, and never in a list. A `variable`'s value is stored in clear, which shows the searches
 * would find a value if one were there.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { storedCells, storedTables } from '../support/stored-cells.js';
import type { Client, Reply } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { expectProblem } from '../support/problem.js';

const secretValue = (): string => `s3cr3t-${randomBytes(12).toString('hex')}`;
const clearValue = (): string => `cl3ar-${randomBytes(12).toString('hex')}`;

/** The forms a value could leak in: as is, base64 and hex (encoding is not encryption). */
function needles(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

/** Every regular file under `dir`, read whole. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, bytes: readFileSync(path) };
    });
}

function created(reply: Reply): any {
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

describe.each(testDatabases())('resource values at rest on $name', (db) => {
  const kw = keywardForSuite(db);
  const acme = tenantForSuite(kw, 'Vault');

  const path = (id: string) => `/v1/resources/${id}`;

  async function makeKey(
    maker: Client,
    grants: Record<string, unknown>,
  ): Promise<{ id: string; key: string; client: Client }> {
    const body = created(
      await maker.post('/v1/keys', {
        name: `k-${randomBytes(3).toString('hex')}`,
        kind: 'application',
        environmentId: acme.environmentId,
        ...grants,
      }),
    );
    return { id: body.id, key: body.key, client: kw.client(body.key) };
  }

  async function makeValued(type: 'secret' | 'variable', value: string, client: Client = acme.admin): Promise<any> {
    const body = created(
      await client.post('/v1/resources', { type, name: `${type}-${randomBytes(4).toString('hex')}`, value }),
    );
    expect(body).toMatchObject({ type, value });
    return body;
  }

  async function verifyCode(key: string, action: string, id: string): Promise<string> {
    const reply = await kw.client().post('/v1/verify', { key, action, resource: { type: 'secret', id } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.code;
  }

  /** Every page of a listing, as sent. */
  async function listTexts(client: Client, query: string): Promise<{ items: any[]; text: string }> {
    const items: any[] = [];
    let text = '';
    let cursor: string | null = null;
    do {
      const reply = await client.get(
        `/v1/resources?${query}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      items.push(...reply.body.items);
      text += JSON.stringify(reply.body);
      cursor = reply.body.nextCursor;
    } while (cursor !== null);
    return { items, text };
  }

  /** Every cell of every table of this instance's database, as text. */
  async function allCells(): Promise<string> {
    const tables = await storedTables(kw);
    expect(tables).toEqual(expect.arrayContaining(['audit_events', 'change_log']));
    return storedCells(kw, tables);
  }

  it("answers a secret's value decrypted, and a variable's as stored, to keys that may read them", async () => {
    const value = secretValue();
    const secret = await makeValued('secret', value);
    expect(secret).toMatchObject({
      id: expect.stringMatching(/^res_/),
      environmentId: acme.environmentId,
      visibility: 'ENVIRONMENT',
      createdByKeyId: acme.adminKeyId,
    });

    const byOwner = await acme.admin.get(path(secret.id));
    expect(byOwner.status, JSON.stringify(byOwner.body)).toBe(200);
    expect(byOwner.body).toEqual(secret);

    const reader = await makeKey(acme.admin, { scopes: ['secret:viewer'] });
    const byReader = await reader.client.get(path(secret.id));
    expect(byReader.status).toBe(200);
    expect(byReader.body.value).toBe(value);
    expect(await verifyCode(reader.key, 'read', secret.id)).toBe('VALID');
    expectProblem(await reader.client.patch(path(secret.id), { value: secretValue() }), 403, 'FORBIDDEN');
    expect((await acme.admin.get(path(secret.id))).body.value).toBe(value);

    const editor = await makeKey(acme.admin, { scopes: ['secret:editor'] });
    const next = secretValue();
    const changed = await editor.client.patch(path(secret.id), { value: next });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ id: secret.id, value: next });
    expect((await reader.client.get(path(secret.id))).body.value).toBe(next);

    const plain = clearValue();
    const variable = await makeValued('variable', plain);
    const readVariable = await acme.admin.get(path(variable.id));
    expect(readVariable.status).toBe(200);
    expect(readVariable.body).toMatchObject({ type: 'variable', value: plain });
  });

  it.runIf(db.name === 'sqlite')(
    "writes no byte of a secret's value into the data directory (database file, WAL, shared memory), while a variable's value is there in clear",
    async () => {
      const [first, replaced, replacement] = [secretValue(), secretValue(), secretValue()];
      const secret = await makeValued('secret', first);
      const changing = await makeValued('secret', replaced);
      expect((await acme.admin.patch(path(changing.id), { value: replacement })).status).toBe(200);
      const plain = clearValue();
      const variable = await makeValued('variable', plain);
      // Read back decrypted, so the values are really held.
      expect((await acme.admin.get(path(secret.id))).body.value).toBe(first);
      expect((await acme.admin.get(path(changing.id))).body.value).toBe(replacement);

      const files = filesUnder(kw.database.dataDir);
      const base = join(kw.database.dataDir, 'keyward.db');
      expect(files.map((file) => file.path)).toEqual(expect.arrayContaining([base, `${base}-wal`]));
      const bytes = Buffer.concat(files.map((file) => file.bytes));
      // The search is meaningful: the rows are on disk, and a value stored in clear is found.
      for (const id of [secret.id, changing.id, variable.id]) expect(bytes.includes(id), id).toBe(true);
      expect(bytes.includes(plain), 'the variable value, stored in clear').toBe(true);
      for (const value of [first, replaced, replacement]) {
        for (const needle of needles(value))
          expect(bytes.includes(needle), `${needle.slice(0, 12)}… found on disk`).toBe(false);
      }
    },
  );

  it("stores no secret's value in any column of any table", async () => {
    const [first, replaced, replacement] = [secretValue(), secretValue(), secretValue()];
    const secret = await makeValued('secret', first);
    const changing = await makeValued('secret', replaced);
    expect((await acme.admin.patch(path(changing.id), { value: replacement })).status).toBe(200);
    const plain = clearValue();
    const variable = await makeValued('variable', plain);

    const cells = await allCells();
    for (const id of [secret.id, changing.id, variable.id]) expect(cells, id).toContain(id);
    expect(cells.includes(plain), 'the variable value, stored in clear').toBe(true);
    for (const value of [first, replaced, replacement]) {
      for (const needle of needles(value))
        expect(cells.includes(needle), `${needle.slice(0, 12)}… found in a table`).toBe(false);
    }
  });

  it('shows a key with no grant on secrets only that a secret exists (the catalogue): 403 on its value, listed without it, FORBIDDEN to read', async () => {
    const value = secretValue();
    const secret = await makeValued('secret', value);
    const stranger = await makeKey(acme.admin, { scopes: ['agent:owner', 'variable:owner'] });
    const reply = await stranger.client.get(path(secret.id));
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(JSON.stringify(reply.body)).not.toContain(value);
    expectProblem(await stranger.client.patch(path(secret.id), { value: secretValue() }), 403, 'FORBIDDEN');
    const listing = await listTexts(stranger.client, 'type=secret');
    expect(listing.items.find((item: { id: string }) => item.id === secret.id)).toEqual({
      id: secret.id,
      type: 'secret',
      name: secret.name,
      parentId: null,
      visibility: 'ENVIRONMENT',
    });
    expect(listing.text).not.toContain(value);
    expect(await verifyCode(stranger.key, 'read', secret.id)).toBe('FORBIDDEN');
    expect(await verifyCode(stranger.key, 'discover', secret.id)).toBe('VALID');
  });

  it('answers 403 to a key that may discover a secret but not read it (org:member), and lists it without its value', async () => {
    const value = secretValue();
    const secret = await makeValued('secret', value);
    // The admin key cannot hand out org:member (it holds org:admin, not discover on every type): the root key can.
    const member = await makeKey(kw.root, { scopes: ['org:member'] });
    const reply = await member.client.get(path(secret.id));
    expectProblem(reply, 403, 'FORBIDDEN');
    expect(JSON.stringify(reply.body)).not.toContain(value);
    expect(await verifyCode(member.key, 'discover', secret.id)).toBe('VALID');
    expect(await verifyCode(member.key, 'read', secret.id)).toBe('FORBIDDEN');

    const listing = await listTexts(member.client, 'type=secret');
    const item = listing.items.find((one) => one.id === secret.id);
    expect(item).toMatchObject({ id: secret.id, type: 'secret', name: secret.name });
    expect(item).not.toHaveProperty('value');
    expect(listing.text).not.toContain(value);
  });

  it('never lists a value, not even to the owner or the root key', async () => {
    const value = secretValue();
    const secret = await makeValued('secret', value);
    const plain = clearValue();
    const variable = await makeValued('variable', plain);
    for (const client of [acme.admin, kw.root]) {
      for (const [type, made, shown] of [
        ['secret', secret, value],
        ['variable', variable, plain],
      ] as const) {
        const listing = await listTexts(client, `type=${type}`);
        expect(listing.items.map((item) => item.id)).toContain(made.id);
        for (const item of listing.items) expect(item).not.toHaveProperty('value');
        expect(listing.text).not.toContain(shown);
      }
    }
  });

  it('logs and audits no secret value, not even from a refused or invalid request', async () => {
    const requestIds: string[] = [];
    const track = (reply: Reply): Reply => {
      requestIds.push(String(reply.headers['x-request-id']));
      return reply;
    };
    const [kept, changedTo, refused, invalid, orphaned] = [
      secretValue(),
      secretValue(),
      secretValue(),
      secretValue(),
      secretValue(),
    ];
    const secret = created(
      track(await acme.admin.post('/v1/resources', { type: 'secret', name: 'db-password', value: kept })),
    );
    expect(track(await acme.admin.patch(path(secret.id), { value: changedTo })).status).toBe(200);
    expect(track(await acme.admin.get(path(secret.id))).body.value).toBe(changedTo);

    const agentsOnly = await makeKey(acme.admin, { scopes: ['agent:owner'] });
    // Refused (403, and so audited), invalid (400), under an unknown parent (404).
    expectProblem(
      track(await agentsOnly.client.post('/v1/resources', { type: 'secret', name: 'nope', value: refused })),
      403,
      'FORBIDDEN',
    );
    expectProblem(track(await agentsOnly.client.patch(path(secret.id), { value: refused })), 403, 'FORBIDDEN');
    expectProblem(
      track(await acme.admin.post('/v1/resources', { type: 'secret', name: 'bad', value: invalid, colour: 'red' })),
      400,
      'VALIDATION',
    );
    expectProblem(
      track(
        await acme.admin.post('/v1/resources', {
          type: 'secret',
          name: 'lost',
          value: orphaned,
          parentId: 'res_01aaaaaaaaaaaaaaaaaaaaaaaa',
        }),
      ),
      404,
      'NOT_FOUND',
    );

    const log = kw.logText();
    // The search is meaningful: the log holds these requests.
    for (const requestId of requestIds) expect(log).toContain(requestId);
    const cells = await allCells();
    expect(cells).toContain(secret.id);
    for (const value of [kept, changedTo, refused, invalid, orphaned]) {
      for (const needle of needles(value)) {
        expect(log.includes(needle), `${needle.slice(0, 12)}… found in the log`).toBe(false);
        expect(cells.includes(needle), `${needle.slice(0, 12)}… found in a table (audit included)`).toBe(false);
      }
    }
  });
});
