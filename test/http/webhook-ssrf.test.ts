/**
 * The SSRF guard (SPEC §4, issue 24): a webhook reaches no private, loopback, link-local or
 * metadata address unless KEYWARD_WEBHOOK_ALLOW_PRIVATE=true: refused as a URL when it is an IP
 * literal, after the name is resolved, and again by the socket's own lookup as it connects.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attemptDelivery, guardedLookup } from '../../src/modules/webhooks/webhook-sender.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';
import { sqliteOnly } from '../support/databases.js';
import { expectProblem } from '../support/problem.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const GUARDED = { timeoutMs: 2000, allowPrivate: false };

describe('the webhook sender', () => {
  let hooks: Receiver;
  beforeEach(async () => {
    hooks = await startReceiver();
  });
  afterEach(async () => {
    await hooks.close();
  });

  it('refuses a name that resolves to a loopback address, and sends nothing', async () => {
    const url = hooks.url.replace('127.0.0.1', 'localhost');
    const outcome = await attemptDelivery(url, {}, '{}', GUARDED);
    expect(outcome).toMatchObject({ delivered: false, statusCode: null });
    expect(outcome.error).toMatch(/^refused: .* is a loopback address$/);
    expect(hooks.received).toHaveLength(0);
  });

  it('refuses a private IP literal before any connection', async () => {
    const outcome = await attemptDelivery(hooks.url, {}, '{}', GUARDED);
    expect(outcome.error).toBe('refused: 127.0.0.1 is a loopback address');
    expect(hooks.received).toHaveLength(0);
  });

  it('judges again at connect time: the socket’s lookup refuses a private answer', async () => {
    const port = new URL(hooks.url).port;
    const error = await new Promise<Error>((resolve) => {
      const sent = request({ host: 'localhost', port, method: 'POST', path: '/hooks', lookup: guardedLookup });
      sent.on('error', resolve);
      sent.on('response', () => resolve(new Error('answered')));
      sent.end('{}');
    });
    expect(error.message).toMatch(/^refused: .* is a loopback address$/);
    expect(hooks.received).toHaveLength(0);
  });

  it('sends to a private address where allowed', async () => {
    const outcome = await attemptDelivery(hooks.url.replace('127.0.0.1', 'localhost'), {}, '{}', {
      timeoutMs: 2000,
      allowPrivate: true,
    });
    expect(outcome).toEqual({ delivered: true, statusCode: 204, error: null });
    expect(hooks.received).toHaveLength(1);
  });
});

describe.each(sqliteOnly())('webhook endpoint URLs on $name', (testDb) => {
  let kw: TestKeyward;
  beforeEach(async () => {
    kw = await startKeyward(testDb);
  });
  afterEach(async () => {
    await kw.close();
  });

  it.each([
    'http://10.0.0.7/hooks',
    'http://127.0.0.1:8080/hooks',
    'http://[::1]/hooks',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00:ec2::254]/',
    'ftp://hooks.example/x',
    'https://user:secret@hooks.example/x',
  ])('refuses %s with a 400 naming the url', async (url) => {
    const acme = await seedTenant(kw);
    const reply = await acme.admin.post('/v1/webhook-endpoints', { url, events: ['key.created'] });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('url');
    expect(JSON.stringify(reply.body)).not.toContain('secret@');
  });

  it('asks for a threshold with key.credits_low', async () => {
    const acme = await seedTenant(kw);
    const reply = await acme.admin.post('/v1/webhook-endpoints', {
      url: 'https://hooks.example/x',
      events: ['key.credits_low'],
    });
    expectProblem(reply, 400, 'VALIDATION');
    expect(reply.body.field).toBe('creditsLowThreshold');
  });
});
