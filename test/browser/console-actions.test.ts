/**
 * Issue 26 items 4 to 7 in Chromium, at 1280 and 390 px: every action from the console (rename
 * and delete, external ids, key metadata, linking a policy, create forms behind "New …"); care
 * (a webhook's disable and secret rotation asked first, a key's rotation saying what changes and
 * its grace shown after); orientation (audit actors and targets by name, the id on hover, the
 * view exported as CSV); polish (a filter bar in one row at 1280, the phone's areas in one row,
 * empty states that say what to do next).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  openArea,
  SCREENSHOTS,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

const WIDTHS = [1280, 390] as const;

describe.skipIf(!hasChromium)('every action, care, orientation and polish in the console', { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  const shot = (page: Page, name: string, width: number) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  const get = async (path: string) => (await world.call('GET', path, world.adminKey)).body;

  it('item 7: Groups opens on an empty state that says what to do, the form behind "New group"', async () => {
    for (const width of WIDTHS) {
      const page = await world.signedIn({ width, height: 900 });
      await openArea(page, 'Groups');
      await eventually(() => textOf(page.locator('.empty'))).toContain('create one with "New group"');
      await eventually(() => page.getByLabel('Group name').count()).toBe(0);
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await shot(page, 'groups-empty', width);
      await page.close();
    }
  });

  it('item 4: creates, renames and deletes a group (the delete asked first)', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Groups');
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByLabel('Group name').fill('ops');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('button', { name: 'Rename ops' }).click();
    await page.getByRole('dialog', { name: 'Rename ops' }).getByLabel('Name').fill('operations');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: /^operations/ }).waitFor();
    await eventually(async () => (await get('/v1/groups')).items.map((group: { name: string }) => group.name)).toEqual([
      'operations',
    ]);
    await page.getByRole('button', { name: 'Delete operations' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete operations?' });
    await eventually(() => textOf(dialog)).toContain('The keys and users themselves stay');
    await shot(page, 'group-delete', 1280);
    await dialog.getByRole('button', { name: 'Delete group' }).click();
    await eventually(async () => (await get('/v1/groups')).items.length).toBe(0);
  });

  it("item 4: sets a user's external id, renames and deletes the user, at both widths", async () => {
    const bob = await world.created('/v1/users', { name: 'Bob', email: 'bob@acme.example' });
    for (const width of WIDTHS) {
      const page = await world.signedIn({ width, height: 900 });
      await openArea(page, 'Users');
      await page.getByRole('button', { name: 'External id of Bob' }).click();
      await page.getByRole('dialog', { name: 'External id of Bob' }).getByLabel('External id').fill(`hr-${width}`);
      await page.getByRole('button', { name: 'Save external id' }).click();
      await eventually(async () => (await get(`/v1/users/${bob.id}`)).externalId).toBe(`hr-${width}`);
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await shot(page, 'users-actions', width);
      await page.close();
    }
    const page = await world.signedIn();
    await openArea(page, 'Users');
    await page.getByRole('button', { name: 'Rename Bob' }).click();
    await page.getByRole('dialog', { name: 'Rename Bob' }).getByLabel('Name').fill('Robert');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('button', { name: 'Delete Robert' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Robert?' });
    await eventually(() => textOf(dialog)).toContain('every key they own is revoked');
    await dialog.getByRole('button', { name: 'Delete user' }).click();
    await eventually(async () => (await world.call('GET', `/v1/users/${bob.id}`, world.adminKey)).status).toBe(404);
  });

  it('item 4: renames and deletes an environment, the refusal shown while it holds keys', async () => {
    const staging = await world.call('POST', '/v1/environments', world.rootKey, {
      tenantId: world.tenantId,
      name: 'staging',
    });
    const page = await world.signedIn();
    await openArea(page, 'Environments');
    await page.getByRole('button', { name: 'Rename staging' }).click();
    await page.getByRole('dialog', { name: 'Rename staging' }).getByLabel('Name').fill('qa');
    await page.getByRole('button', { name: 'Save name' }).click();
    await eventually(async () => (await get(`/v1/environments/${staging.body.id}`)).name).toBe('qa');
    await page.getByRole('button', { name: 'Delete prod' }).click();
    const refused = page.getByRole('dialog', { name: 'Delete prod?' });
    await refused.getByRole('button', { name: 'Delete environment' }).click();
    await eventually(() => textOf(refused.getByRole('alert'))).toContain('live key');
    await shot(page, 'environment-delete-refused', 1280);
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete qa' }).click();
    await page.getByRole('dialog', { name: 'Delete qa?' }).getByRole('button', { name: 'Delete environment' }).click();
    await eventually(
      async () => (await world.call('GET', `/v1/environments/${staging.body.id}`, world.adminKey)).status,
    ).toBe(404);
  });

  it('item 4: renames a key, edits its metadata as checked JSON and links a policy to it', async () => {
    const made = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'billing',
      kind: 'application',
    });
    const policy = await world.created('/v1/policies', {
      environmentId: world.environmentId,
      name: 'readers',
      permissions: [],
    });
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('dialog', { name: 'Rename billing' }).getByLabel('Name').fill('billing-api');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'billing-api' }).waitFor();
    await page.getByRole('button', { name: 'Edit metadata' }).click();
    const metadata = page.getByRole('dialog', { name: 'Metadata of billing-api' });
    await metadata.getByLabel('Metadata (JSON object)').fill('{"team": billing}');
    await eventually(() => textOf(metadata.locator('#key-metadata-check'))).toMatch(/^Not JSON/);
    await eventually(() => metadata.getByRole('button', { name: 'Save metadata' }).isDisabled()).toBe(true);
    await shot(page, 'key-metadata-invalid', 1280);
    await metadata.getByLabel('Metadata (JSON object)').fill('{"team": "billing"}');
    await metadata.getByRole('button', { name: 'Save metadata' }).click();
    await eventually(async () => (await get(`/v1/keys/${made.id}`)).metadata).toEqual({ team: 'billing' });
    await page.getByRole('button', { name: 'Link policies' }).click();
    const link = page.getByRole('dialog', { name: 'Policies of billing-api' });
    await link.getByLabel(/readers/).check();
    await eventually(() => textOf(link.getByRole('status'))).toContain('Links 1, unlinks 0');
    await link.getByRole('button', { name: 'Save policies' }).click();
    await eventually(async () => (await get(`/v1/keys/${made.id}`)).policyIds).toEqual([policy.id]);
    await eventually(() => sidewaysOverflow(page)).toBe(0);
    await shot(page, 'key-actions', 1280);
    const phone = await world.signedIn({ width: 390, height: 900 });
    await phone.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await phone.getByRole('button', { name: 'Edit metadata' }).click();
    await eventually(() => sidewaysOverflow(phone)).toBe(0);
    await shot(phone, 'key-actions', 390);
  });

  it('item 4: deletes a policy and sets a resource external id from their rows', async () => {
    await world.created('/v1/policies', { environmentId: world.environmentId, name: 'temporary', permissions: [] });
    const project = await world.created('/v1/resources', {
      environmentId: world.environmentId,
      type: 'project',
      name: 'apollo',
    });
    const page = await world.signedIn();
    await openArea(page, 'Policies');
    await page.getByRole('button', { name: 'temporary' }).click();
    await page.getByRole('button', { name: 'Delete temporary' }).click();
    await page
      .getByRole('dialog', { name: 'Delete temporary?' })
      .getByRole('button', { name: 'Delete policy' })
      .click();
    await eventually(async () =>
      (await get('/v1/policies')).items.map((item: { name: string }) => item.name),
    ).not.toContain('temporary');
    await openArea(page, 'Resources');
    await page.getByRole('button', { name: 'External id of apollo' }).click();
    await page.getByRole('dialog', { name: 'External id of apollo' }).getByLabel('External id').fill('proj-7');
    await page.getByRole('button', { name: 'Save external id' }).click();
    await eventually(async () => (await get(`/v1/resources/${project.id}`)).externalId).toBe('proj-7');
    await shot(page, 'resources-actions', 1280);
  });

  it('item 5: asks before disabling a webhook or rotating its secret, saying what changes', async () => {
    const endpoint = await world.created('/v1/webhook-endpoints', {
      url: 'https://hooks.example/keyward',
      events: ['key.revoked'],
    });
    for (const width of WIDTHS) {
      const page = await world.signedIn({ width, height: 900 });
      await openArea(page, 'Events');
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret of https://hooks.example/keyward?' });
      await eventually(() => textOf(rotate)).toContain('two signatures');
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await shot(page, 'webhook-rotate-confirm', width);
      await rotate.getByRole('button', { name: 'Cancel' }).click();
      await page.close();
    }
    const page = await world.signedIn();
    await openArea(page, 'Events');
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    const disable = page.getByRole('dialog', { name: 'Disable the webhook to https://hooks.example/keyward?' });
    await eventually(() => textOf(disable)).toContain('they wait in its log');
    await disable.getByRole('button', { name: 'Disable webhook' }).click();
    await eventually(async () => (await get(`/v1/webhook-endpoints/${endpoint.id}`)).enabled).toBe(false);
  });

  it("item 5: the key's rotation says what becomes of the secret in use, and the page shows the grace after", async () => {
    const made = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'rotating',
      kind: 'application',
    });
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${made.id}`);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate rotating?' });
    await eventually(() => textOf(dialog.getByRole('list', { name: 'What changes' }))).toContain(
      'stops working at once',
    );
    await dialog.getByLabel('Grace seconds').fill('3600');
    await eventually(() => textOf(dialog.getByRole('list', { name: 'What changes' }))).toContain(
      'both work until then',
    );
    await shot(page, 'key-rotate-confirm', 1280);
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const secret = page.getByRole('dialog', { name: 'Key rotated' });
    await secret.getByRole('button', { name: 'I have stored it' }).click();
    await eventually(() => textOf(page.locator('.notice'))).toContain(
      'both the new and the previous secret work until',
    );
    expect(await world.verdict(made.key)).toBe('VALID');
    await shot(page, 'key-rotation-grace', 1280);
  });

  it('item 6: the audit log names actors and targets, ids on hover and copyable, and exports the view as CSV', async () => {
    const made = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'audited',
      kind: 'application',
    });
    await world.call('PATCH', `/v1/keys/${made.id}`, world.adminKey, { enabled: false });
    for (const width of WIDTHS) {
      const page = await world.signedIn({ width, height: 900 });
      await page.goto(`${world.server.url}/ui/#/audit?target=${made.id}`);
      await page.getByRole('heading', { name: 'Audit log' }).waitFor();
      const first = page.locator('tbody tr').first();
      await eventually(() => textOf(first.locator('td').nth(1))).toBe('key.disabled');
      await eventually(() => textOf(first.locator('td[data-label="Actor"] span[title]'))).toBe('ada-admin');
      await eventually(() => first.locator('td[data-label="Target"] span[title]').getAttribute('title')).toBe(made.id);
      await first.getByRole('button', { name: `Copy id ${made.id}` }).waitFor();
      await eventually(() => sidewaysOverflow(page)).toBe(0);
      await shot(page, 'audit-names', width);
      if (width === 1280) {
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: 'Export CSV' }).click();
        const file = await (await download).path();
        const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
        expect(lines[0]).toMatch(/^at,action,outcome,status,actor,/);
        expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['key.disabled', 'key.create']);
      }
      await page.close();
    }
  });

  it('item 7: the audit filter is at most two aligned rows of readable fields at 1280 px, and the phone shows the areas in one row', async () => {
    const wide = await world.signedIn({ width: 1280, height: 900 });
    await openArea(wide, 'Audit');
    // Seven fields in one row were slivers ("resourc", "mm."): a grid of labelled fields, two rows.
    const boxes = await wide.locator('form.filters > *').evaluateAll((elements) =>
      elements.map((element) => {
        const box = element.getBoundingClientRect();
        return {
          bottom: Math.round(box.bottom),
          width: Math.round(box.width),
          field: element.classList.contains('field'),
        };
      }),
    );
    // A row's fields and button end on one line (the grid aligns them at the end).
    const bottoms = [...new Set(boxes.map((box) => box.bottom))].sort((a, b) => a - b);
    const filterRows = bottoms.filter((bottom, index) => index === 0 || bottom - (bottoms[index - 1] as number) > 4);
    expect(filterRows.length).toBeLessThanOrEqual(2);
    expect(Math.min(...boxes.filter((box) => box.field).map((box) => box.width))).toBeGreaterThanOrEqual(180);
    // …and within the page's column: its last field ends where the form does, not past it.
    await eventually(() =>
      wide
        .locator('form.filters')
        .evaluate(
          (form) => (form.lastElementChild?.getBoundingClientRect().right ?? 0) - form.getBoundingClientRect().right,
        ),
    ).toBeLessThanOrEqual(0);
    await shot(wide, 'audit-filter-grid', 1280);
    const phone = await world.signedIn({ width: 390, height: 900 });
    const rows = await phone
      .locator('nav[aria-label="Areas"] li')
      .evaluateAll((elements) => elements.map((element) => Math.round(element.getBoundingClientRect().top)));
    expect(new Set(rows).size).toBe(1);
    await eventually(() => sidewaysOverflow(phone)).toBe(0);
    await shot(phone, 'phone-nav', 390);
  });

  it('item 6: renames the tenant from Settings, and the header and page title say the new name at once', async () => {
    const page = await world.signedIn();
    await openArea(page, 'Settings');
    const header = page.locator('.tenant strong');
    await eventually(() => textOf(header)).toBe('Acme Console');
    await page.getByRole('button', { name: 'Rename Acme Console' }).click();
    await page.getByRole('dialog', { name: 'Rename Acme Console' }).getByLabel('Name').fill('Acme Renamed');
    await page.getByRole('button', { name: 'Save name' }).click();
    await eventually(() => textOf(header)).toBe('Acme Renamed');
    await eventually(() => page.title()).toBe('Acme Renamed · Keyward');
    await eventually(async () => (await get(`/v1/tenants/${world.tenantId}`)).name).toBe('Acme Renamed');
    // Back, for the suites that read the name.
    expect(
      (await world.call('PATCH', `/v1/tenants/${world.tenantId}`, world.adminKey, { name: 'Acme Console' })).status,
    ).toBe(200);
    await page.close();
  });
});
