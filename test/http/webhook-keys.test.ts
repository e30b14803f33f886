/**
 * Webhook keys (SPEC §4): a sender's signing secret, imported or generated, answered once and then
 * shown by its hint; `POST …/verify` checks a received request against it. The providers' own
 * documented examples verify (Slack's, GitHub's); a tampered body, a wrong secret and a Slack
 * timestamp older than five minutes do not. A rotation keeps the previous secret verifying for
 * its grace, and no secret is ever at rest, in the audit log or in the server log in clear.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

/** Slack's "Verifying requests from Slack" worked example. */
const SLACK = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
/** GitHub's "Validating webhook deliveries" example. */
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const SLACK_SENT_MS = Number(SLACK.timestamp) * 1000;
const MINUTE = 60_000;

const slackRequest = (body = SLACK.body) => ({
  headers: { 'X-Slack-Signature': SLACK.signature, 'X-Slack-Request-Timestamp': SLACK.timestamp },
  body,
});
const githubRequest = (body = GITHUB.body) => ({ headers: { 'X-Hub-Signature-256': GITHUB.signature }, body });

describe.each(testDatabases())('webhook keys on $name', (db) => {
  // The clock stands a minute after Slack's example was sent, so its timestamp is fresh.
  const clock = manualClock(SLACK_SENT_MS + MINUTE);
  const kw = keywardForSuite(db, { clock });
  const acme = tenantForSuite(kw, 'Acme');

  const make = async (body: Record<string, unknown>) =>
    created(await acme.admin.post('/v1/webhook-keys', { name: 'inbound', ...body }));
  const verify = async (id: string, request: unknown) => {
    const reply = await acme.admin.post(`/v1/webhook-keys/${id}/verify`, request);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  it("verifies Slack's documented example, and not a tampered body, a wrong secret or a stale timestamp", async () => {
    const slack = await make({ scheme: 'slack', secret: SLACK.secret });
    const other = await make({ scheme: 'slack' });
    expect(await verify(slack.id, slackRequest())).toEqual({ valid: true });
    expect(await verify(slack.id, slackRequest(`${SLACK.body}&text=rm`))).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    expect(await verify(other.id, slackRequest())).toEqual({ valid: false, reason: 'bad_signature' });
    clock.set(SLACK_SENT_MS + 5 * MINUTE + 1000);
    try {
      expect(await verify(slack.id, slackRequest())).toEqual({ valid: false, reason: 'stale_timestamp' });
    } finally {
      clock.set(SLACK_SENT_MS + MINUTE);
    }
  });

  it("verifies GitHub's documented example, and not a tampered body or a wrong secret", async () => {
    const github = await make({ scheme: 'github', secret: GITHUB.secret });
    const other = await make({ scheme: 'github', secret: "It's a Secret to Nobody" });
    expect(await verify(github.id, githubRequest())).toEqual({ valid: true });
    expect(await verify(github.id, githubRequest('Hello, World?'))).toEqual({ valid: false, reason: 'bad_signature' });
    expect(await verify(other.id, githubRequest())).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('generates a whsec_ secret the Standard Webhooks library signs with, and verifies what it signs', async () => {
    const standard = await make({ scheme: 'standard' });
    expect(standard.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const body = JSON.stringify({ type: 'order.paid', data: { id: 'ord_1' } });
    const sentAt = new Date(clock.now());
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(standard.secret).sign('msg_1', sentAt, body),
    };
    expect(await verify(standard.id, { headers, body })).toEqual({ valid: true });
    expect(
      await verify(standard.id, { headers, body: Buffer.from(body).toString('base64'), bodyEncoding: 'base64' }),
    ).toEqual({ valid: true });
    expect(await verify(standard.id, { headers: { 'webhook-id': 'msg_1' }, body })).toEqual({
      valid: false,
      reason: 'missing_header',
      header: 'webhook-timestamp',
    });
  });

  it('answers the secret once: reads and lists show its hint only', async () => {
    const made = await make({ scheme: 'github', secret: 'shown-once-and-never-again' });
    expect(made).toMatchObject({ secret: 'shown-once-and-never-again', secretHint: 'gain', scheme: 'github' });
    const read = await acme.admin.get(`/v1/webhook-keys/${made.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body).toMatchObject({ id: made.id, secretHint: 'gain', previousSecretValidUntil: null });
    const listed = await acme.admin.get(`/v1/webhook-keys?environmentId=${acme.environmentId}&limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(made.id);
    expect(JSON.stringify(listed.body)).not.toContain('shown-once-and-never-again');
  });

  it('keeps the previous secret verifying through the grace, then only the new one', async () => {
    const github = await make({ scheme: 'github', secret: GITHUB.secret });
    const rotated = await acme.admin.post(`/v1/webhook-keys/${github.id}/rotate`, { gracePeriodSeconds: 600 });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.secret).not.toBe(GITHUB.secret);
    expect(rotated.body.previousSecretValidUntil).toBe(new Date(clock.now() + 600_000).toISOString());
    const fresh = githubRequestSignedWith(rotated.body.secret);
    expect(await verify(github.id, githubRequest())).toEqual({ valid: true });
    expect(await verify(github.id, fresh)).toEqual({ valid: true });
    clock.advance(600_000);
    try {
      expect(await verify(github.id, githubRequest())).toEqual({ valid: false, reason: 'bad_signature' });
      expect(await verify(github.id, fresh)).toEqual({ valid: true });
      expect((await acme.admin.get(`/v1/webhook-keys/${github.id}`)).body.previousSecretValidUntil).toBeNull();
    } finally {
      clock.set(SLACK_SENT_MS + MINUTE);
    }
  });

  it('drops the previous secret at once with a grace of 0, and takes an imported secret on rotation', async () => {
    const github = await make({ scheme: 'github' });
    const rotated = await acme.admin.post(`/v1/webhook-keys/${github.id}/rotate`, {
      gracePeriodSeconds: 0,
      secret: GITHUB.secret,
    });
    expect(rotated.body).toMatchObject({ secret: GITHUB.secret, previousSecretValidUntil: null });
    expect(await verify(github.id, githubRequest())).toEqual({ valid: true });
    expect(await verify(github.id, githubRequestSignedWith(github.secret))).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a standard secret that is not whsec_ base64, and an unknown scheme', async () => {
    expectProblem(
      await acme.admin.post('/v1/webhook-keys', { name: 'bad', scheme: 'standard', secret: 'not-a-whsec' }),
      400,
      'VALIDATION',
    );
    expectProblem(await acme.admin.post('/v1/webhook-keys', { name: 'bad', scheme: 'stripe' }), 400, 'VALIDATION');
  });

  it('deletes a webhook key: it no longer reads or verifies', async () => {
    const github = await make({ scheme: 'github', secret: GITHUB.secret });
    const deleted = await acme.admin.delete(`/v1/webhook-keys/${github.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).not.toHaveProperty('secret');
    expectProblem(await acme.admin.get(`/v1/webhook-keys/${github.id}`), 404, 'NOT_FOUND');
    expectProblem(await acme.admin.post(`/v1/webhook-keys/${github.id}/verify`, githubRequest()), 404, 'NOT_FOUND');
  });

  it('keeps every secret out of the database in clear, the audit log and the server log', async () => {
    const secret = 'never-at-rest-in-clear-0123456789';
    const made = await make({ scheme: 'github', secret });
    const generated = created(await acme.admin.post('/v1/webhook-keys', { name: 'gen', scheme: 'standard' }));
    await acme.admin.post(`/v1/webhook-keys/${made.id}/rotate`, {});
    const storage = kw.keyward.storage.db;
    const tables = ['webhook_keys', 'audit_events', 'change_log'];
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(storage);
      const text = JSON.stringify(rows.rows);
      expect(text, table).not.toContain(secret);
      expect(text, table).not.toContain(generated.secret);
    }
    expect(kw.logText()).not.toContain(secret);
    expect(kw.logText()).not.toContain(generated.secret);
  });
});

/** A GitHub delivery of GitHub's example body, signed with `secret` as GitHub signs (HMAC-SHA-256 of the body, hex). */
function githubRequestSignedWith(secret: string): { headers: Record<string, string>; body: string } {
  const digest = createHmac('sha256', secret).update(GITHUB.body).digest('hex');
  return { headers: { 'X-Hub-Signature-256': `sha256=${digest}` }, body: GITHUB.body };
}
