/**
 * A policy made with the legacy role `agent:executor` (stored as `agent:viewer+run`) opened,
 * edited and saved in the console, in Chromium against the built server (issue 22). The console
 * reads scopes with the server's grammar, so the stored `+run` form is a scope it may save, for
 * the tenant's admin key and for the root key alike. Waits retry: nothing is read right after a click.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleWorld,
  eventually,
  hasChromium,
  openArea,
  startConsoleWorld,
  WORLD_START_MS,
} from './console-support.js';

describe.skipIf(!hasChromium)('a policy with a legacy executor scope, edited in the console', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  /** A policy created over HTTP with `agent:executor`, as the server stores it. */
  const legacyPolicy = async (name: string): Promise<string> => {
    const policy = await world.created('/v1/policies', {
      environmentId: world.environmentId,
      name,
      scopes: ['agent:executor'],
    });
    expect(policy.scopes).toEqual(['agent:viewer+run']);
    return policy.id;
  };
  const stored = async (id: string) => (await world.call('GET', `/v1/policies/${id}`, world.adminKey)).body;

  /** Opens the policy on the policies page and starts editing its grants; the panel of the open policy. */
  const editGrants = async (page: Page, name: string): Promise<Locator> => {
    await openArea(page, 'Policies');
    // The disclosure's name starts with its ▸ marker.
    const opener = page.getByRole('button', { name: new RegExp(` ${name}$`) });
    await opener.click();
    const details = page.locator('.item-list > li', { has: opener }).locator('.panel');
    await details.getByRole('button', { name: 'Edit grants' }).click();
    await details.getByRole('button', { name: 'Remove agent:viewer+run' }).waitFor();
    return details;
  };

  /** Adds `project:viewer` with the scope picker and saves; resolves once the saved grants are shown. */
  const addProjectViewerAndSave = async (details: Locator): Promise<void> => {
    await details.getByLabel('Type', { exact: true }).selectOption('project');
    await details.getByLabel('Role', { exact: true }).selectOption('viewer');
    await details.getByRole('button', { name: 'Add scope project:viewer' }).click();
    await details.getByRole('button', { name: 'Remove project:viewer' }).waitFor();
    const save = details.getByRole('button', { name: 'Save policy' });
    // The editor holds nothing back: the stored legacy scope is one the key may grant.
    await eventually(() => save.isEnabled()).toBe(true);
    await save.click();
    await details.getByRole('button', { name: 'Edit grants' }).waitFor();
  };

  it('saves an edit of the policy as the tenant admin, keeping the executor grant', async () => {
    const id = await legacyPolicy('runners');
    const page = await world.signedIn();
    const details = await editGrants(page, 'runners');
    await addProjectViewerAndSave(details);

    await details.getByText('project:viewer', { exact: true }).waitFor();
    expect((await stored(id)).scopes).toEqual(['agent:viewer+run', 'project:viewer']);
    await page.close();
  });

  it("saves a key's grants with the stored executor scope from the key page's dialog, with nothing to fix before saving", async () => {
    const key = await world.created('/v1/keys', {
      environmentId: world.environmentId,
      name: 'runner-key',
      kind: 'application',
      scopes: ['agent:executor'],
    });
    expect(key.scopes).toEqual(['agent:viewer+run']);
    const page = await world.signedIn();
    await page.goto(`${world.server.url}/ui/#/keys/${key.id}`);
    await page.getByRole('button', { name: 'Edit grants' }).click();
    const dialog = page.getByRole('dialog', { name: 'Grants of runner-key' });
    await dialog.getByRole('button', { name: 'Remove agent:viewer+run' }).waitFor();
    await dialog.getByLabel('Type', { exact: true }).selectOption('project');
    await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
    await dialog.getByRole('button', { name: 'Add scope project:viewer' }).click();
    await dialog.getByRole('button', { name: 'Remove project:viewer' }).waitFor();
    // Rendered with the chip just waited for: the list of what to fix is absent, not yet to come.
    await eventually(() => dialog.getByRole('list', { name: 'Before saving' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Save grants' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect((await world.call('GET', `/v1/keys/${key.id}`, world.adminKey)).body.scopes).toEqual([
      'agent:viewer+run',
      'project:viewer',
    ]);
    await page.close();
  });

  it('saves it as the root key too, once the tenant is picked', async () => {
    const id = await legacyPolicy('root-runners');
    const page = await world.signingIn(world.rootKey);
    await page.getByRole('button', { name: 'Work in Acme Console' }).click();
    const details = await editGrants(page, 'root-runners');
    await addProjectViewerAndSave(details);

    await details.getByText('project:viewer', { exact: true }).waitFor();
    expect((await stored(id)).scopes).toEqual(['agent:viewer+run', 'project:viewer']);
    await page.context().close();
  });
});
