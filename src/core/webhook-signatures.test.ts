/**
 * Webhook signatures against the senders' own documented examples (Slack's "Verifying requests
 * from Slack", GitHub's "Validating webhook deliveries", the Standard Webhooks reference
 * library), and what must not verify: a tampered body, a wrong secret, a stale timestamp.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, secretProblem, verifyWebhookSignature } from './webhook-signatures.js';

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
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const SLACK_SENT_MS = Number(SLACK.timestamp) * 1000;

const slackHeaders = (signature = SLACK.signature, timestamp = SLACK.timestamp) => ({
  'X-Slack-Signature': signature,
  'X-Slack-Request-Timestamp': timestamp,
});
const only = (current: string, previous: string | null = null) => ({ current, previous });
const request = (headers: Record<string, string>, body: string) => ({ headers, body: Buffer.from(body, 'utf8') });

describe('slack (v0)', () => {
  it("verifies Slack's documented example a minute after it was sent", () => {
    expect(
      verifyWebhookSignature('slack', only(SLACK.secret), request(slackHeaders(), SLACK.body), SLACK_SENT_MS + 60_000),
    ).toEqual({ valid: true, secret: 'current' });
  });

  it('refuses a tampered body, a wrong secret, and a timestamp more than five minutes old', () => {
    const at = SLACK_SENT_MS + 60_000;
    expect(verifyWebhookSignature('slack', only(SLACK.secret), request(slackHeaders(), `${SLACK.body}x`), at)).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhookSignature('slack', only('another-secret'), request(slackHeaders(), SLACK.body), at)).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    const late = SLACK_SENT_MS + 301_000;
    expect(verifyWebhookSignature('slack', only(SLACK.secret), request(slackHeaders(), SLACK.body), late)).toEqual({
      valid: false,
      reason: 'stale_timestamp',
    });
  });

  it('refuses a timestamp from more than five minutes ahead, as replays dated forward', () => {
    const early = SLACK_SENT_MS - 301_000;
    expect(
      verifyWebhookSignature('slack', only(SLACK.secret), request(slackHeaders(), SLACK.body), early),
    ).toMatchObject({ valid: false, reason: 'stale_timestamp' });
  });

  it('names a missing or malformed header', () => {
    const at = SLACK_SENT_MS;
    const noTimestamp = { 'x-slack-signature': SLACK.signature };
    expect(verifyWebhookSignature('slack', only(SLACK.secret), request(noTimestamp, SLACK.body), at)).toEqual({
      valid: false,
      reason: 'missing_header',
      header: 'x-slack-request-timestamp',
    });
    expect(
      verifyWebhookSignature('slack', only(SLACK.secret), request(slackHeaders('v1=abc'), SLACK.body), at),
    ).toMatchObject({ valid: false, reason: 'malformed_header', header: 'x-slack-signature' });
  });
});

describe('github (X-Hub-Signature-256)', () => {
  const headers = { 'X-Hub-Signature-256': GITHUB.signature };

  it("verifies GitHub's documented example", () => {
    expect(verifyWebhookSignature('github', only(GITHUB.secret), request(headers, GITHUB.body), 0)).toEqual({
      valid: true,
      secret: 'current',
    });
  });

  it('refuses a tampered body and a wrong secret', () => {
    expect(verifyWebhookSignature('github', only(GITHUB.secret), request(headers, 'Hello, World?'), 0)).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhookSignature('github', only("It's a secret to nobody"), request(headers, GITHUB.body), 0)).toEqual(
      { valid: false, reason: 'bad_signature' },
    );
  });

  it('says so when the signature header is missing', () => {
    expect(verifyWebhookSignature('github', only(GITHUB.secret), request({}, GITHUB.body), 0)).toMatchObject({
      valid: false,
      reason: 'missing_header',
    });
  });
});

describe('standard (Standard Webhooks)', () => {
  const at = new Date(Date.UTC(2026, 5, 1, 12));
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1' } });
  const signed = (secret: string, sentAt: Date, id = 'msg_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, sentAt, body),
  });

  it('verifies what the reference library signs with a generated secret', () => {
    const secret = generateWebhookSecret('standard');
    expect(secretProblem('standard', secret)).toBeNull();
    expect(verifyWebhookSignature('standard', only(secret), request(signed(secret, at), body), at.getTime())).toEqual({
      valid: true,
      secret: 'current',
    });
  });

  it("verifies the Standard Webhooks reference library's own test vector", () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const verdict = verifyWebhookSignature(
      'standard',
      only('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      request(headers, '{"test": 2432232314}'),
      1614265330_000,
    );
    expect(verdict).toEqual({ valid: true, secret: 'current' });
  });

  it('refuses a tampered body, a wrong secret and a stale timestamp', () => {
    const secret = generateWebhookSecret('standard');
    const headers = signed(secret, at);
    expect(verifyWebhookSignature('standard', only(secret), request(headers, `${body} `), at.getTime())).toMatchObject({
      reason: 'bad_signature',
    });
    const other = generateWebhookSecret('standard');
    expect(verifyWebhookSignature('standard', only(other), request(headers, body), at.getTime())).toMatchObject({
      reason: 'bad_signature',
    });
    expect(
      verifyWebhookSignature('standard', only(secret), request(headers, body), at.getTime() + 301_000),
    ).toMatchObject({ reason: 'stale_timestamp' });
  });

  it('verifies with the previous secret while it is given, and only then', () => {
    const [old, fresh] = [generateWebhookSecret('standard'), generateWebhookSecret('standard')];
    const headers = signed(old, at);
    expect(verifyWebhookSignature('standard', only(fresh, old), request(headers, body), at.getTime())).toEqual({
      valid: true,
      secret: 'previous',
    });
    expect(verifyWebhookSignature('standard', only(fresh), request(headers, body), at.getTime())).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('refuses to import a secret that is not whsec_ and base64', () => {
    expect(secretProblem('standard', 'plain-secret')).not.toBeNull();
    expect(secretProblem('standard', 'whsec_not*base64')).not.toBeNull();
    expect(secretProblem('github', 'plain-secret')).toBeNull();
  });
});
