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
import { type ConsoleWorld, hasChromium, SCREENSHOTS, sidewaysOverflow, startConsoleWorld, WORLD_START_MS } from './console-support.js';

const INSIDE = '203.0.113.7';
const OUTSIDE = '198.51.100.9';
const MINUTE = 60_000;

describe.skipIf(!hasChromium)("a key's usage controls edited in the console", () => {
  let world: ConsoleWorld;
  let made: { id: string; key: string };

  const keyPage = async (id = made.id, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await world.signedIn(viewport);
    await page.goto(`${world.server.url}/ui/#/keys/${id}`);
    await page.getByRole('heading', { name: 'Usage controls' }).waitFor();
    return page;
  };
  const section = (page: Page) => page.getByRole('region', { name: 'Usage controls' });
  const factOf = async (page: Page, name: string): Promise<string> => (await section(page).locator('dt', { hasText: name }).locator('+ dd').textContent()) ?? '';
  const verify = async (payload: Record<string, unknown> = {}) => (await world.call('POST', '/v1/verify', null, { key: made.key, ...payload })).body;
  const stored = async () => (await world.call('GET', `/v1/keys/${made.id}`, world.adminKey)).body;

  beforeAll(async () => {
    world = await startConsoleWorld();
    made = await world.created('/v1/keys', { environmentId: world.environmentId, name: 'metered-app', kind: 'application' });
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('sets a rate limit, one credit and an allowlist in the dialog, from the keyboard, and shows them on the key page', async () => {
    const page = await keyPage();
    expect(await factOf(page, 'Rate limits')).toBe('none');
    expect(await factOf(page, 'Credits')).toBe('not metered');
    expect(await factOf(page, 'IP allowlist')).toBe('any address');

    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByRole('button', { name: 'Add a rate limit' }).press('Enter');
    // Focus lands in the new row's name, so typing fills it.
    await page.keyboard.type('api');
    const row = dialog.getByRole('group', { name: 'Rate limit 1' });
    expect(await row.getByLabel('Name', { exact: true }).inputValue()).toBe('api');
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
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-key-page.png'), fullPage: true });
    expect(await factOf(page, 'Rate limits')).toBe('api: 3 per minute');
    expect(await factOf(page, 'Credits')).toBe('1 left');
    expect(await factOf(page, 'IP allowlist')).toBe('203.0.113.0/24, 2001:db8::/32');
    const key = await stored();
    expect(key.ratelimits).toEqual([{ name: 'api', limit: 3, durationMs: MINUTE }]);
    expect(key.credits).toEqual({ remaining: 1, refill: null });
    expect(key.ipAllowlist).toEqual(['203.0.113.0/24', '2001:db8::/32']);
  });

  it('makes verify refuse an address outside the allowlist, then answer VALID once and USAGE_EXCEEDED when the credit is spent', async () => {
    expect((await verify({ clientIp: OUTSIDE })).code).toBe('FORBIDDEN');
    // The rate limit's window is the clock's minute: start with room for this test and the next,
    // so a new window cannot hand back the budget they count on.
    const intoMinute = Date.now() % MINUTE;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, MINUTE - intoMinute + 100));

    const first = await verify({ clientIp: INSIDE });
    expect(first.code).toBe('VALID');
    expect(first.credits).toEqual({ remaining: 0 });
    expect(first.ratelimits).toEqual([expect.objectContaining({ name: 'api', limit: 3, remaining: 2 })]);
    expect((await verify({ clientIp: INSIDE })).code).toBe('USAGE_EXCEEDED');

    const page = await keyPage();
    expect(await factOf(page, 'Credits')).toBe('0 left');
  }, 60_000);

  it('adds credits in the console: the balance goes up, verify is VALID again, and then the rate limit, which the refused verify did not use up, answers RATE_LIMITED', async () => {
    const page = await keyPage();
    await section(page).getByRole('button', { name: 'Add credits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add credits to metered-app' });
    expect(await dialog.textContent()).toContain('Balance now: 0 credits');
    await dialog.getByLabel('Credits to add').fill('5');
    await dialog.getByRole('button', { name: 'Add credits' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await factOf(page, 'Credits')).toBe('5 left');

    const again = await verify({ clientIp: INSIDE });
    expect(again.code).toBe('VALID');
    expect(again.credits).toEqual({ remaining: 4 });
    // The USAGE_EXCEEDED answer gave its unit of "3 per minute" back: one is left for this one.
    expect(again.ratelimits).toEqual([expect.objectContaining({ name: 'api', remaining: 1 })]);
    expect((await verify({ clientIp: INSIDE })).code).toBe('VALID');
    expect((await verify({ clientIp: INSIDE })).code).toBe('RATE_LIMITED');
    expect((await stored()).credits).toEqual({ remaining: 3, refill: null });
  });

  it("shows the server's refusal of a bad CIDR inside the dialog, which stays open, and saves nothing", async () => {
    const before = await stored();
    const page = await keyPage();
    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByLabel('Allowed ranges').fill('203.0.113.0/24\n10.0.0.0/33');
    await dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).fill('50');
    await dialog.getByRole('button', { name: 'Save usage controls' }).click();

    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'not a canonical IPv4 or IPv6 CIDR range: 10.0.0.0/33 — the prefix length is a whole number from 0 to 32 without leading zeros (VALIDATION)',
    );
    expect(await dialog.getByLabel('Allowed ranges').inputValue()).toBe('203.0.113.0/24\n10.0.0.0/33');
    const after = await stored();
    expect({ ratelimits: after.ratelimits, ipAllowlist: after.ipAllowlist, updatedAt: after.updatedAt }).toEqual({
      ratelimits: before.ratelimits,
      ipAllowlist: before.ipAllowlist,
      updatedAt: before.updatedAt,
    });

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await factOf(page, 'Rate limits')).toBe('api: 3 per minute');
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

    expect(await factOf(page, 'Rate limits')).toBe('none');
    expect(await factOf(page, 'Credits')).toBe('not metered');
    expect(await factOf(page, 'IP allowlist')).toBe('any address');
    expect(await section(page).getByRole('button', { name: 'Add credits' }).count()).toBe(0);
    const answer = await verify({ clientIp: OUTSIDE });
    expect(answer.code).toBe('VALID');
    expect(answer.ratelimits).toBeUndefined();
    expect(answer.credits).toBeUndefined();
  });

  it("lists each saved change as a key.update event on the key's audit page, newest first", async () => {
    const page = await keyPage();
    await page.getByRole('link', { name: 'Audit events' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'key.create' }).waitFor();
    const actions = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    // Set, top-up, clear; the refused CIDR changed nothing.
    expect(actions).toEqual(['key.update', 'key.update', 'key.update', 'key.create']);
  });

  it('names the limits a linked policy shares with the key, but offers no edit on a revoked key', async () => {
    const policy = await world.created('/v1/policies', { environmentId: world.environmentId, name: 'partners', ratelimits: [{ name: 'burst', limit: 100, durationMs: 1_000 }] });
    const linked = await world.created('/v1/keys', { environmentId: world.environmentId, name: 'partner-app', kind: 'application', policyIds: [policy.id] });
    const page = await keyPage(linked.id);
    // The policy's name arrives with the policies list, after the key itself.
    await section(page).getByText('shared with policy partners').waitFor();
    expect(await factOf(page, 'Rate limits')).toBe('burst: 100 per second, shared with policy partners');

    expect((await world.call('POST', `/v1/keys/${linked.id}/revoke`, world.adminKey)).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Usage controls' }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit usage controls' }).count()).toBe(0);
  });

  it('keeps the dialog usable on a 390 px phone: nothing wider than the screen, every control reachable', async () => {
    const page = await keyPage(made.id, { width: 390, height: 844 });
    await page.getByRole('button', { name: 'Edit usage controls' }).click();
    const dialog = page.getByRole('dialog', { name: 'Usage controls of metered-app' });
    await dialog.getByRole('button', { name: 'Add a rate limit' }).click();
    await dialog.getByLabel(/^Metered/).check();
    await dialog.getByLabel('Refill to').fill('100');
    // The dialog scrolls inside itself on a phone: one picture of its top, one of its end.
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-390-top.png') });

    expect(await sidewaysOverflow(page)).toBe(0);
    const box = await dialog.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    for (const control of [dialog.getByRole('button', { name: 'Remove rate limit 1' }), dialog.getByLabel('Refill every'), dialog.getByRole('button', { name: 'Cancel' })]) {
      await control.scrollIntoViewIfNeeded();
      const at = await control.boundingBox();
      expect(at !== null && at.x >= 0 && at.x + at.width <= 390).toBe(true);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'usage-controls-390-end.png') });
  });
});
