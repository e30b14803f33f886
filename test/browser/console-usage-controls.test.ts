/**
 * A key's usage controls edited in the console (issue 17), in Chromium against the built server:
 * a rate limit, one credit and an IP allowlist set in the dialog, shown on the key page and
 * enforced by verify over HTTP; credits topped up; a bad CIDR refused inside the dialog; all of
 * it cleared; each change on the key's audit page; the dialog on a phone. The steps share one
 * key, so they run in order.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleWorld,
  eventually,
  fitsWithin,
  hasChromium,
  SCREENSHOTS,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';
import { type Answer, fixedWindowBucket } from './fixed-window.js';

const INSIDE = '203.0.113.7';
const OUTSIDE = '198.51.100.9';
const MINUTE = 60_000;

describe.skipIf(!hasChromium)("a key's usage controls edited in the console", { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let made: { id: string; key: string };
  /** The key's "3 per minute", followed from the first verify that uses it to the last. */
  const api = fixedWindowBucket('api', 3, MINUTE);

  const keyPage = async (id = made.id, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await world.signedIn(viewport);
    await page.goto(`${world.server.url}/ui/#/keys/${id}`);
    await page.getByRole('heading', { name: 'Usage controls' }).waitFor();
    return page;
  };
  const section = (page: Page) => page.getByRole('region', { name: 'Usage controls' });
  /** What the key page says of a usage control, read for `eventually`. */
  const factOf = (page: Page, name: string): Promise<string | null> =>
    textOf(section(page).locator('dt', { hasText: name }).locator('+ dd'));
  const verify = async (payload: Record<string, unknown> = {}): Promise<Answer> =>
    (await world.call('POST', '/v1/verify', null, { key: made.key, ...payload })).body;
  const stored = async () => (await world.call('GET', `/v1/keys/${made.id}`, world.adminKey)).body;

  beforeAll(async () => {
    world = await startConsoleWorld();
    made = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'metered-app',
      kind: 'application',
    });
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('sets a rate limit, one credit and an allowlist in the dialog, from the keyboard, and shows them on the key page', async () => {
    const page = await keyPage();
    await eventually(() => factOf(page, 'Rate limits')).toBe('none');
    await eventually(() => factOf(page, 'Credits')).toBe('not metered');
    await eventually(() => factOf(page, 'IP allowlist')).toBe('any address');

    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByRole('button', { name: 'Add a rate limit' }).press('Enter');
    // Focus lands in the new row's name, so typing fills it.
    await page.keyboard.type('api');
    const row = dialog.getByRole('group', { name: 'Rate limit 1' });
    await eventually(() => row.getByLabel('Name', { exact: true }).inputValue()).toBe('api');
    await row.getByLabel('Limit', { exact: true }).fill('3');
    await row.getByLabel('Per', { exact: true }).fill('1');
    await row.getByLabel('Unit', { exact: true }).selectOption('min');
    await dialog.getByLabel(/^Metered/).check();
    await dialog.getByLabel('Remaining').fill('1');
    await dialog.getByLabel('Allowed ranges').fill(`203.0.113.0/24\n\n2001:db8::/32\n`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await dialog.screenshot({ path: join(SCREENSHOTS, 'usage-controls-dialog.png') });
    await dialog.getByRole('button', { name: 'Save usage controls' }).click();

    await dialog.waitFor({ state: 'detached' });
    await eventually(() => factOf(page, 'Rate limits')).toBe('api: 3 per minute');
    await eventually(() => factOf(page, 'Credits')).toBe('1 left');
    await eventually(() => factOf(page, 'IP allowlist')).toBe('203.0.113.0/24, 2001:db8::/32');
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-key-page.png'), fullPage: true });
    const key = await stored();
    expect(key.ratelimits).toEqual([{ name: 'api', limit: 3, durationMs: MINUTE }]);
    expect(key.credits).toEqual({ remaining: 1, refill: null });
    expect(key.ipAllowlist).toEqual(['203.0.113.0/24', '2001:db8::/32']);
  });

  it('makes verify refuse an address outside the allowlist, then answer VALID once and USAGE_EXCEEDED when the credit is spent', async () => {
    expect((await verify({ clientIp: OUTSIDE })).code).toBe('FORBIDDEN');
    // The rate limit's window is the clock's minute; `api` follows it (fixed-window.ts).
    const first = await api.check(() => verify({ clientIp: INSIDE }));
    expect(first.code).toBe('VALID');
    expect(first.credits).toEqual({ remaining: 0 });
    // Out of credit, refused after its rate limit was taken: the unit is given back.
    expect((await api.check(() => verify({ clientIp: INSIDE }), false)).code).toBe('USAGE_EXCEEDED');

    const page = await keyPage();
    await eventually(() => factOf(page, 'Credits')).toBe('0 left');
  });

  it('adds credits in the console: the balance goes up, verify is VALID again, and then the rate limit, which the refused verify did not use up, answers RATE_LIMITED', async () => {
    const page = await keyPage();
    await section(page).getByRole('button', { name: 'Add credits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add credits to metered-app' });
    await eventually(() => textOf(dialog)).toContain('Balance now: 0 credits');
    await dialog.getByLabel('Credits to add').fill('5');
    await dialog.getByRole('button', { name: 'Add credits' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(() => factOf(page, 'Credits')).toBe('5 left');

    // In the minute of the first VALID (the usual case) two are left, not one: the USAGE_EXCEEDED
    // answer gave its unit back; `api` expects that. Verifies go on until the rate limit refuses
    // one (VALID, VALID, RATE_LIMITED; more if the minute turned), each spending one credit.
    const answers: Answer[] = [];
    for (let attempt = 0; attempt < 5 && answers.at(-1)?.code !== 'RATE_LIMITED'; attempt++)
      answers.push(await api.check(() => verify({ clientIp: INSIDE })));
    const valid = answers.filter((answer) => answer.code === 'VALID');
    expect(answers.map((answer) => answer.code)).toEqual([...valid.map(() => 'VALID'), 'RATE_LIMITED']);
    expect(valid.map((answer) => answer.credits)).toEqual(valid.map((_, index) => ({ remaining: 4 - index })));
    expect((await stored()).credits).toEqual({ remaining: 5 - valid.length, refill: null });
  });

  it("shows the server's refusal of a bad CIDR inside the dialog, which stays open, and saves nothing", async () => {
    const before = await stored();
    const page = await keyPage();
    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByLabel('Allowed ranges').fill('203.0.113.0/24\n10.0.0.0/33');
    await dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).fill('50');
    await dialog.getByRole('button', { name: 'Save usage controls' }).click();

    await eventually(() => textOf(dialog.getByRole('alert'))).toBe(
      'not a canonical IPv4 or IPv6 CIDR range: 10.0.0.0/33 — the prefix length is a whole number from 0 to 32 without leading zeros (VALIDATION)',
    );
    await eventually(() => dialog.getByLabel('Allowed ranges').inputValue()).toBe('203.0.113.0/24\n10.0.0.0/33');
    const after = await stored();
    expect({ ratelimits: after.ratelimits, ipAllowlist: after.ipAllowlist, updatedAt: after.updatedAt }).toEqual({
      ratelimits: before.ratelimits,
      ipAllowlist: before.ipAllowlist,
      updatedAt: before.updatedAt,
    });

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(() => factOf(page, 'Rate limits')).toBe('api: 3 per minute');
  });

  it('clears every control in the dialog, after which verify answers VALID from anywhere with no rate limits', async () => {
    const page = await keyPage();
    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByRole('button', { name: 'Remove rate limit 1' }).click();
    await dialog.getByLabel(/^Metered/).uncheck();
    await dialog.getByLabel('Allowed ranges').fill('');
    await dialog.getByRole('button', { name: 'Save usage controls' }).click();
    await dialog.waitFor({ state: 'detached' });

    await eventually(() => factOf(page, 'Rate limits')).toBe('none');
    await eventually(() => factOf(page, 'Credits')).toBe('not metered');
    await eventually(() => factOf(page, 'IP allowlist')).toBe('any address');
    await eventually(() => section(page).getByRole('button', { name: 'Add credits' }).count()).toBe(0);
    const answer = await verify({ clientIp: OUTSIDE });
    expect(answer.code).toBe('VALID');
    expect(answer.ratelimits).toBeUndefined();
    expect(answer.credits).toBeUndefined();
  });

  it("lists each saved change on the key's audit page as what it changed, newest first", async () => {
    const page = await keyPage();
    await page.getByRole('link', { name: 'Audit events' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    // Set (limits, credits and allowlist), top-up, clear (all three); the refused CIDR changed nothing.
    // One request's events share a millisecond, so they are compared as a set, the creation last.
    await eventually(async () => {
      const shownActions = await page.locator('tbody tr td:nth-child(2)').allTextContents();
      return [...shownActions.slice(0, -1).sort(), shownActions.at(-1)];
    }).toEqual([
      'key.ip_allowlist_changed',
      'key.ip_allowlist_changed',
      'key.usage_changed',
      'key.usage_changed',
      'key.usage_changed',
      'key.create',
    ]);
  });

  it('names the limits a linked policy shares with the key, but offers no edit on a revoked key', async () => {
    const policy = await world.created('/v1/policies', {
      environmentId: world.environmentId,
      name: 'partners',
      ratelimits: [{ name: 'burst', limit: 100, durationMs: 1_000 }],
    });
    const linked = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'partner-app',
      kind: 'application',
      policyIds: [policy.id],
    });
    const page = await keyPage(linked.id);
    // The policy's name arrives with the policies list, after the key itself.
    await eventually(() => factOf(page, 'Rate limits')).toBe('burst: 100 per second, shared with policy partners');
    await page.getByRole('button', { name: 'Edit usage controls' }).waitFor();

    expect((await world.call('POST', `/v1/keys/${linked.id}/revoke`, world.adminKey)).status).toBe(200);
    await page.reload();
    await page.locator('.status-badge', { hasText: 'revoked' }).waitFor();
    await eventually(() => page.getByRole('button', { name: 'Edit usage controls' }).count()).toBe(0);
  });

  it('keeps the dialog usable on a 390 px phone: nothing wider than the screen, every control reachable', async () => {
    const page = await keyPage(made.id, { width: 390, height: 844 });
    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByRole('button', { name: 'Add a rate limit' }).click();
    await dialog.getByLabel(/^Metered/).check();
    await dialog.getByLabel('Refill to').fill('100');
    // The dialog scrolls inside itself on a phone: one picture of its top, one of its end.
    await eventually(() => sidewaysOverflow(page)).toBe(0);
    await eventually(() => dialog.boundingBox()).toSatisfy(fitsWithin(390));
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-390-top.png') });
    for (const control of [
      dialog.getByRole('button', { name: 'Remove rate limit 1' }),
      dialog.getByLabel('Refill every'),
      dialog.getByRole('button', { name: 'Cancel' }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await eventually(() => control.boundingBox()).toSatisfy(fitsWithin(390));
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-390-end.png') });
  });
});
