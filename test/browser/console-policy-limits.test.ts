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
import {
  type ConsoleWorld,
  eventually,
  fitsWithin,
  hasChromium,
  openArea,
  SCREENSHOTS,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';
import { type Answer, fixedWindowBucket } from './fixed-window.js';

const MINUTE = 60_000;
const POLICY = 'partners';

describe.skipIf(!hasChromium)("a policy's rate limits edited in the console", { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let policyId: string;
  let keyA: string;
  let keyB: string;

  /** The policies page with the policy's details open. */
  const policyDetails = async (viewport?: {
    width: number;
    height: number;
  }): Promise<{ page: Page; details: Locator }> => {
    const page = await world.signedIn(viewport);
    await openArea(page, 'Policies');
    await page.getByRole('button', { name: POLICY }).click();
    const details = page
      .locator('.item-list > li', { has: page.getByRole('button', { name: POLICY }) })
      .locator('.panel');
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
  const verify = async (key: string): Promise<Answer> => (await world.call('POST', '/v1/verify', null, { key })).body;
  const stored = async () => (await world.call('GET', `/v1/policies/${policyId}`, world.adminKey)).body;

  beforeAll(async () => {
    world = await startConsoleWorld();
    policyId = (
      await world.created('/v1/policies', {
        environmentId: world.environmentId,
        name: POLICY,
        scopes: ['agent:viewer'],
      })
    ).id;
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('sets a limit of 2 per minute in a dialog and shows it on the policy as shared by every linked key', async () => {
    const { page, details } = await policyDetails();
    await details.getByText('none', { exact: true }).waitFor();

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

    await eventually(() => shownLimits(details)).toEqual(['shared: 2 per minute']);
    await eventually(() => textOf(details)).toContain(
      'Shared: one bucket per limit for every linked key together, not one each.',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-1280.png'), fullPage: true });
    expect((await stored()).ratelimits).toEqual([{ name: 'shared', limit: 2, durationMs: MINUTE }]);
  });

  it('makes two keys linked to the policy share the bucket: A VALID, B VALID, then A RATE_LIMITED', async () => {
    keyA = (
      await world.created('/v1/keys', {
        environmentId: world.environmentId,
        name: 'partner-a',
        kind: 'application',
        policyIds: [policyId],
      })
    ).key;
    keyB = (
      await world.created('/v1/keys', {
        environmentId: world.environmentId,
        name: 'partner-b',
        kind: 'application',
        policyIds: [policyId],
      })
    ).key;
    // One bucket for both keys: each answer must show what the other key took. The keys take
    // turns until the bucket refuses one: A VALID, B VALID, A RATE_LIMITED, or, should the
    // minute turn between two of them, a few more in the new minute (fixed-window.ts).
    const bucket = fixedWindowBucket('shared', 2, MINUTE);
    const codes: string[] = [];
    for (const key of [keyA, keyB, keyA, keyB, keyA, keyB]) {
      codes.push((await bucket.check(() => verify(key))).code);
      if (codes.at(-1) === 'RATE_LIMITED') break;
    }
    expect(codes.slice(0, 2)).toEqual(['VALID', 'VALID']);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
  });

  it('blocks a save for a duplicate name or a window over a day, and shows the refusal of a limit past the maximum in the open dialog', async () => {
    const { page, details } = await policyDetails();
    const dialog = await openDialog(page, details);
    await dialog.getByRole('button', { name: 'Add a rate limit' }).click();
    const second = dialog.getByRole('group', { name: 'Rate limit 2' });
    await second.getByLabel('Name', { exact: true }).fill('shared');
    await second.getByLabel('Limit', { exact: true }).fill('0');
    await second.getByLabel('Per', { exact: true }).fill('2');
    await second.getByLabel('Unit', { exact: true }).selectOption('day');
    await eventually(() =>
      dialog.getByRole('list', { name: 'Before saving' }).getByRole('listitem').allTextContents(),
    ).toEqual([
      'Rate limit 2: the name shared is taken by another limit',
      'Rate limit 2: the limit is a whole number, at least 1',
      'Rate limit 2: the window is from 1 second to 1 day',
    ]);
    await eventually(() => dialog.getByRole('button', { name: 'Save rate limits' }).isDisabled()).toBe(true);

    // Nothing local forbids a limit of 2 billion; the server's maximum (10^9) does.
    await dialog.getByRole('button', { name: 'Remove rate limit 2' }).click();
    await dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).fill('2000000000');
    await dialog.getByRole('button', { name: 'Save rate limits' }).click();
    await eventually(() => textOf(dialog.getByRole('alert'))).toBe(
      'ratelimits.0.limit must be <= 1000000000 in body (VALIDATION)',
    );
    await eventually(() =>
      dialog.getByRole('group', { name: 'Rate limit 1' }).getByLabel('Limit', { exact: true }).inputValue(),
    ).toBe('2000000000');
    expect((await stored()).ratelimits).toEqual([{ name: 'shared', limit: 2, durationMs: MINUTE }]);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(() => shownLimits(details)).toEqual(['shared: 2 per minute']);
  });

  it('clears the limit in the console, after which key A is VALID again with no rate limits from the policy', async () => {
    const { page, details } = await policyDetails();
    const dialog = await openDialog(page, details);
    await dialog.getByRole('button', { name: 'Remove rate limit 1' }).click();
    await dialog.getByText('None: the policy adds no rate limit to its keys.').waitFor();
    await dialog.getByRole('button', { name: 'Save rate limits' }).click();
    await dialog.waitFor({ state: 'detached' });

    await details.getByText('none', { exact: true }).waitFor();
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
    // Set, clear; the refused save changed nothing.
    await eventually(() => page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual([
      'policy.update',
      'policy.update',
      'policy.create',
    ]);
    await page
      .getByRole('button', { name: /^Details/ })
      .first()
      .click();
    await eventually(async () => JSON.parse((await textOf(page.locator('pre.json'))) ?? '{}').ratelimits).toEqual([]);
  });

  it('creates a policy with a rate limit from the create form', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Policies');
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByLabel('Policy name').fill('bulk');
    const form = page.getByRole('form', { name: 'Create a policy' });
    await form.getByRole('button', { name: 'Add a rate limit' }).click();
    const row = form.getByRole('group', { name: 'Rate limit 1' });
    await row.getByLabel('Name', { exact: true }).fill('daily');
    await row.getByLabel('Limit', { exact: true }).fill('1000');
    await row.getByLabel('Unit', { exact: true }).selectOption('day');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('button', { name: 'bulk' }).click();
    await eventually(() =>
      page.getByRole('list', { name: 'Rate limits of bulk' }).getByRole('listitem').allTextContents(),
    ).toEqual(['daily: 1000 per day']);
  });

  it('keeps the policy and its dialog usable on a 390 px phone: nothing wider than the screen', async () => {
    await world.call('PATCH', `/v1/policies/${policyId}`, world.adminKey, {
      ratelimits: [{ name: 'burst', limit: 100, durationMs: 1_000 }],
    });
    const { page, details } = await policyDetails({ width: 390, height: 844 });
    await eventually(() => shownLimits(details)).toEqual(['burst: 100 per second']);
    await eventually(() => sidewaysOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-390.png'), fullPage: true });

    const dialog = await openDialog(page, details);
    await dialog.waitFor();
    await eventually(() => dialog.boundingBox()).toSatisfy(fitsWithin(390));
    await page.screenshot({ path: join(SCREENSHOTS, 'policy-limits-dialog-390.png') });
    for (const control of [
      dialog.getByRole('button', { name: 'Remove rate limit 1' }),
      dialog.getByRole('button', { name: 'Cancel' }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await eventually(() => control.boundingBox()).toSatisfy(fitsWithin(390));
    }
  });
});
