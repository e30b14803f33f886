/**
 * A policy's rate limits edited in the console (issue 17), in Chromium against the built server:
 * a limit of 2 per minute set on the policies page is one bucket that two linked keys share over
 * HTTP verify; local mistakes block the save and a server refusal keeps the dialog open; clearing
 * the limit frees the keys; each change is on the policy's audit page; the dialog on a phone.
 * The steps share one policy and its keys, so they run in order.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleWorld, hasChromium, openArea, SCREENSHOTS, sidewaysOverflow, startConsoleWorld, WORLD_START_MS } from './console-support.js';

const MINUTE = 60_000;
const POLICY = 'partners';

describe.skipIf(!hasChromium)("a policy's rate limits edited in the console", () => {
  let world: ConsoleWorld;
  let policyId: string;
  let keyA: string;
  let keyB: string;

  /** The policies page with the policy's details open. */
  const policyDetails = async (viewport?: { width: number; height: number }): Promise<{ page: Page; details: Locator }> => {
    const page = await world.signedIn(viewport);
    await openArea(page, 'Policies');
    await page.getByRole('button', { name: POLICY }).click();
    const details = page.locator('.item-list > li', { has: page.getByRole('button', { name: POLICY }) }).locator('.panel');
    await details.getByRole('heading', { name: 'Rate limits' }).waitFor();
    return { page, details };
  };
  const shownLimits = (details: Locator) =>
    details
      .getByRole('list', { name: `Rate limits of ${POLICY}` })
      .getByRole('listitem')
      .allTextContents();
  const openDialog = async (page: Page, details: Locator): Promise<Locator> => {
    await details.getByRole('button', { name: 'Edit rate limits' }).click();
    return page.getByRole('dialog', { name: `Rate limits of ${POLICY}` });
  };
  const verify = async (key: string) => (await world.call('POST', '/v1/verify', null, { key })).body;
  const stored = async () => (await world.call('GET', `/v1/policies/${policyId}`, world.adminKey)).body;

  beforeAll(async () => {
    world = await startConsoleWorld();
    policyId = (await world.created('/v1/policies', { environmentId: world.environmentId, name: POLICY, scopes: ['agent:viewer'] })).id;
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('sets a limit of 2 per minute in a dialog and shows it on the policy as shared by every linked key', async () => {
    const { page, details } = await policyDetails();
    expect(await details.getByText('none', { exact: true }).isVisible()).toBe(true);

    const dialog = await openDialog(page, details);
    await dialog.getByRole('button', { name: 'Add a rate limit' }).click();
    const row = dialog.getByRole('group', { name: 'Rate limit 1' });
    await row.getByLabel('Name', { exact: true }).fill('shared');
    await row.getByLabel('Limit', { exact: true }).fill('2');
    await row.getByLabel('Per', { exact: true }).fill('1');
    await row.getByLabel('Unit', { exact: true }).selectOption('min');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await dialog.screenshot({ path: join(SCREENSHOTS, 'policy-limits-dialog.png') });
    await dialog.getByRole('button', { name: 'Save rate limits' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-1280.png'), fullPage: true });
    expect(await shownLimits(details)).toEqual(['shared: 2 per minute']);
    expect(await details.textContent()).toContain('Shared: one bucket per limit for every linked key together, not one each.');
    expect((await stored()).ratelimits).toEqual([{ name: 'shared', limit: 2, durationMs: MINUTE }]);
  });

  it('makes two keys linked to the policy share the bucket: A VALID, B VALID, then A RATE_LIMITED', async () => {
    keyA = (await world.created('/v1/keys', { environmentId: world.environmentId, name: 'partner-a', kind: 'application', policyIds: [policyId] })).key;
    keyB = (await world.created('/v1/keys', { environmentId: world.environmentId, name: 'partner-b', kind: 'application', policyIds: [policyId] })).key;
    // The window is the clock's minute: start with room for three verifies, so a new window
    // cannot hand back the budget the third one counts on.
    const intoMinute = Date.now() % MINUTE;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, MINUTE - intoMinute + 100));

    const first = await verify(keyA);
    expect(first.code).toBe('VALID');
    expect(first.ratelimits).toEqual([expect.objectContaining({ name: 'shared', limit: 2, remaining: 1 })]);
    const second = await verify(keyB);
    expect(second.code).toBe('VALID');
    expect(second.ratelimits).toEqual([expect.objectContaining({ name: 'shared', limit: 2, remaining: 0 })]);
    expect((await verify(keyA)).code).toBe('RATE_LIMITED');
  }, 30_000);

  it('blocks a save for a duplicate name or a window over a day, and shows the refusal of a limit past the maximum in the open dialog', async () => {
    const { page, details } = await policyDetails();
    const dialog = await openDialog(page, details);
    await dialog.getByRole('button', { name: 'Add a rate limit' }).click();
    const second = dialog.getByRole('group', { name: 'Rate limit 2' });
    await second.getByLabel('Name', { exact: true }).fill('shared');
    await second.getByLabel('Limit', { exact: true }).fill('0');
    await second.getByLabel('Per', { exact: true }).fill('2');
    await second.getByLabel('Unit', { exact: true }).selectOption('day');
    expect(await dialog.getByRole('list', { name: 'Before saving' }).getByRole('listitem').allTextContents()).toEqual([
      'Rate limit 2: the name shared is taken by another limit',
      'Rate limit 2: the limit is a whole number, at least 1',
      'Rate limit 2: the window is from 1 second to 1 day',
    ]);
    expect(await dialog.getByRole('button', { name: 'Save rate limits' }).isDisabled()).toBe(true);

    // Nothing local forbids a limit of 2 billion; the server's maximum (10^9) does.
    await dialog.getByRole('button', { name: 'Remove rate limit 2' }).click();
    await dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).fill('2000000000');
    await dialog.getByRole('button', { name: 'Save rate limits' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('ratelimits.0.limit must be <= 1000000000 in body (VALIDATION)');
    expect(await dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).inputValue()).toBe('2000000000');
    expect((await stored()).ratelimits).toEqual([{ name: 'shared', limit: 2, durationMs: MINUTE }]);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await shownLimits(details)).toEqual(['shared: 2 per minute']);
  });

  it('clears the limit in the console, after which key A is VALID again with no rate limits from the policy', async () => {
    const { page, details } = await policyDetails();
    const dialog = await openDialog(page, details);
    await dialog.getByRole('button', { name: 'Remove rate limit 1' }).click();
    expect(await dialog.getByText('None: the policy adds no rate limit to its keys.').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Save rate limits' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect(await details.getByText('none', { exact: true }).isVisible()).toBe(true);
    expect((await stored()).ratelimits).toEqual([]);
    const answer = await verify(keyA);
    expect(answer.code).toBe('VALID');
    expect(answer.ratelimits).toBeUndefined();
    expect((await verify(keyB)).code).toBe('VALID');
  });

  it("lists the set and the clear as policy.update events on the policy's audit page, newest first", async () => {
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/audit?target=${policyId}`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'policy.create' }).waitFor();
    // Set, clear; the refused save changed nothing.
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(['policy.update', 'policy.update', 'policy.create']);
    await page
      .getByRole('button', { name: /^Details/ })
      .first()
      .click();
    expect(JSON.parse((await page.locator('pre.json').textContent()) ?? '{}').ratelimits).toEqual([]);
  });

  it('creates a policy with a rate limit from the create form', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Policies');
    await page.getByLabel('Policy name').fill('bulk');
    const form = page.getByRole('form', { name: 'Create a policy' });
    await form.getByRole('button', { name: 'Add a rate limit' }).click();
    const row = form.getByRole('group', { name: 'Rate limit 1' });
    await row.getByLabel('Name', { exact: true }).fill('daily');
    await row.getByLabel('Limit', { exact: true }).fill('1000');
    await row.getByLabel('Unit', { exact: true }).selectOption('day');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('button', { name: 'bulk' }).click();
    await page.getByRole('list', { name: 'Rate limits of bulk' }).waitFor();
    expect(await page.getByRole('list', { name: 'Rate limits of bulk' }).getByRole('listitem').allTextContents()).toEqual(['daily: 1000 per day']);
  });

  it('keeps the policy and its dialog usable on a 390 px phone: nothing wider than the screen', async () => {
    await world.call('PATCH', `/v1/policies/${policyId}`, world.adminKey, { ratelimits: [{ name: 'burst', limit: 100, durationMs: 1_000 }] });
    const { page, details } = await policyDetails({ width: 390, height: 844 });
    expect(await shownLimits(details)).toEqual(['burst: 100 per second']);
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-390.png'), fullPage: true });
    expect(await sidewaysOverflow(page)).toBe(0);

    const dialog = await openDialog(page, details);
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-dialog-390.png') });
    const box = await dialog.boundingBox();
    expect(box !== null && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    for (const control of [dialog.getByRole('button', { name: 'Remove rate limit 1' }), dialog.getByRole('button', { name: 'Cancel' })]) {
      await control.scrollIntoViewIfNeeded();
      const at = await control.boundingBox();
      expect(at !== null && at.x >= 0 && at.x + at.width <= 390).toBe(true);
    }
  });
});
