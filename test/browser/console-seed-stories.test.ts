/**
 * Issue 23's seed sentences in the console, in Chromium against the built server (items 6-8):
 * seed 000's Manage Tenant changes the tier, seeing what each tier gives; seed 001 makes a key
 * from a policy's page ("Manage Keys … New API Key … Create"); seed 004's wizard shows each
 * preset's icon and use case from the model, and a policy of levels with its grants. Each page
 * is photographed at 1280 and 390 px into test-results/ui, none scrolling sideways on a phone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleWorld,
  DESKTOP,
  eventually,
  hasChromium,
  openArea,
  SCREENSHOTS,
  shown,
  sidewaysOverflow,
  startConsoleWorld,
  textOf,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

const KEY_TEXT = /^[a-z0-9]{1,12}_[0-9A-Za-z]{38}$/;
const PHONE = { width: 390, height: 844 };
const PRO = [{ name: 'per-second', limit: 50, durationMs: 1000 }];

describe.skipIf(!hasChromium)("issue 23's seed sentences in the console", { timeout: TEST_MS }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-console-tiers-'));
  let world: ConsoleWorld;

  beforeAll(async () => {
    const tiersFile = join(dir, 'tiers.yaml');
    writeFileSync(
      tiersFile,
      'tiers:\n  free: {}\n  pro:\n    ratelimits:\n      - { name: per-second, limit: 50, durationMs: 1000 }\n    credits: { remaining: 1000, refill: { amount: 1000, interval: month } }\n',
    );
    world = await startConsoleWorld({ KEYWARD_TIERS: tiersFile });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A page of the console signed in as `key`. */
  const signedInAs = async (key: string, viewport = DESKTOP): Promise<Page> => {
    const page = await world.signingIn(key, viewport);
    await page.getByRole('heading', { name: 'This key' }).waitFor();
    return page;
  };
  /** The page as it is, at `width`, checked not to scroll sideways. */
  const photograph = async (page: Page, name: string, width: number): Promise<void> => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    await eventually(() => sidewaysOverflow(page), `${name} scrolls sideways at ${width} px by (px)`).toBe(0);
  };

  describe('seed 000, Manage Tenant: "Change tier settings"', () => {
    const tierRow = (page: Page, name: string) =>
      page
        .getByRole('table', { name: 'What each tier gives a new key' })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) });

    it("shows each tier's rate limits and credits, and a tenant.manage key moves the tenant to another", async () => {
      const page = await world.signedIn();
      await openArea(page, 'Settings');
      await eventually(() => textOf(tierRow(page, 'pro'))).toContain('per-second: 50 per second');
      await eventually(() => textOf(tierRow(page, 'pro'))).toContain('1000 left, reset to 1000 each month');
      await eventually(() => textOf(tierRow(page, 'free').getByRole('rowheader'))).toBe('free current');
      await eventually(() => textOf(tierRow(page, 'free'))).toContain('not metered');
      await photograph(page, 'settings-tiers', DESKTOP.width);

      const tier = page.getByRole('region', { name: 'Tier' });
      await tier.getByLabel("Tenant's tier").selectOption('pro');
      await tier.getByRole('button', { name: 'Change tier' }).click();
      await eventually(() => textOf(tier.getByRole('status'))).toBe(
        'The tenant is now on pro: new keys get what it gives.',
      );
      await eventually(() => textOf(tierRow(page, 'pro').getByRole('rowheader'))).toBe('pro current');
      expect((await world.call('GET', `/v1/tenants/${world.tenantId}`, world.adminKey)).body.tier).toBe('pro');
      const key = await world.created('/v1/keys', { name: 'after the upgrade', kind: 'application' });
      expect(key).toMatchObject({ ratelimits: PRO, credits: { remaining: 1000 } });

      const phone = await world.signedIn(PHONE);
      await openArea(phone, 'Settings');
      await eventually(() => textOf(tierRow(phone, 'pro'))).toContain('per-second: 50 per second');
      await photograph(phone, 'settings-tiers', PHONE.width);
    });

    it('offers a key without tenant.manage no tier control, and says which permission it lacks', async () => {
      const helpdesk = await world.created('/v1/keys', {
        environmentId: world.environmentId,
        name: 'helpdesk',
        kind: 'application',
        admin: true,
        permissions: ['users.manage', 'applications.use'],
      });
      const page = await signedInAs(helpdesk.key);
      await openArea(page, 'Settings');
      await eventually(() => textOf(page.locator('.lacking'))).toBe(
        'This page needs the tenant.manage permission, which this key does not hold.',
      );
      await eventually(() => page.getByLabel("Tenant's tier").count()).toBe(0);
      expect((await world.call('GET', '/v1/tiers', helpdesk.key)).body.needed).toBe('tenant.manage');
    });
  });

  describe('seed 001: "select Manage Keys under Options. Click on New API Key, provide a name for the key, and click Create"', () => {
    /** The policies page with `name`'s details open. */
    const policyDetails = async (name: string, viewport = DESKTOP) => {
      const page = await world.signedIn(viewport);
      await openArea(page, 'Policies');
      // Not exact: the disclosure's triangle is part of the button's name.
      await page.getByRole('button', { name }).click();
      const details = page.locator('.item-list > li', { has: page.getByRole('button', { name }) });
      await details.getByRole('heading', { name: 'Keys' }).waitFor();
      return { page, details };
    };

    it("creates a key linked to the policy from the policy's page, shows its secret once, and lists it there", async () => {
      const policy = await world.created('/v1/policies', {
        environmentId: world.environmentId,
        name: 'function callers',
        permissions: ['functions.execute'],
      });
      const { page, details } = await policyDetails('function callers');
      await details.getByText('No key is linked to it.').waitFor();
      await details.getByRole('button', { name: 'New API key' }).click();
      const form = details.getByRole('form', { name: 'New API key for function callers' });
      await form.getByLabel('Key name').fill('billing-app');
      await photograph(page, 'policy-new-key', DESKTOP.width);
      await form.getByRole('button', { name: 'Create', exact: true }).click();

      const dialog = page.getByRole('dialog', { name: 'Key created for function callers' });
      await eventually(() => textOf(dialog)).toContain('shown this once');
      const secret = await shown(
        () => dialog.getByRole('textbox').inputValue(),
        (value) => expect(value).toMatch(KEY_TEXT),
      );
      expect(await world.verdict(secret, { permission: 'functions.execute' })).toBe('VALID');
      expect(await world.verdict(secret, { permission: 'secrets.manage' })).toBe('FORBIDDEN');
      await dialog.getByRole('button', { name: 'I have stored it' }).click();
      await eventually(() =>
        details.getByRole('list', { name: 'Keys linked to function callers' }).getByRole('link').allTextContents(),
      ).toEqual(['billing-app']);
      expect(await page.content()).not.toContain(secret);

      const linked = (await world.call('GET', `/v1/keys?policyId=${policy.id}`, world.adminKey)).body.items;
      expect(linked).toEqual([
        expect.objectContaining({
          name: 'billing-app',
          kind: 'application',
          environmentId: world.environmentId,
          policyIds: [policy.id],
        }),
      ]);

      const phone = await policyDetails('function callers', PHONE);
      await phone.details.getByRole('button', { name: 'New API key' }).click();
      await phone.details.getByLabel('Key name').waitFor();
      await photograph(phone.page, 'policy-new-key', PHONE.width);
    });

    it("asks a tenant-wide policy's key for its environment and makes it there", async () => {
      const staging = await world.created('/v1/environments', { tenantId: world.tenantId, name: 'staging' });
      const policy = await world.created('/v1/policies', { name: 'everywhere readers', scopes: ['agent:viewer'] });
      const { details } = await policyDetails('everywhere readers');
      await details.getByRole('button', { name: 'New API key' }).click();
      const form = details.getByRole('form', { name: 'New API key for everywhere readers' });
      await form.getByLabel('Key name').fill('staging-reader');
      await form.getByLabel('Environment').selectOption({ label: 'staging' });
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      const dialog = details.page().getByRole('dialog', { name: 'Key created for everywhere readers' });
      await dialog.getByRole('button', { name: 'I have stored it' }).click();
      await details.getByRole('link', { name: 'staging-reader' }).waitFor();
      const linked = (await world.call('GET', `/v1/keys?policyId=${policy.id}`, world.adminKey)).body.items;
      expect(linked).toEqual([expect.objectContaining({ name: 'staging-reader', environmentId: staging.id })]);
    });
  });

  describe('seed 004: "Presets provide sensible default scopes for common use cases"', () => {
    const SEED_TABLE = [
      { name: 'deploy', icon: '🚀', useCase: 'CI/CD pipelines, deployments' },
      { name: 'read-only', icon: '👁️', useCase: 'Monitoring, dashboards' },
      { name: 'agent-runner', icon: '🤖', useCase: 'Execute tasks, manage files' },
      { name: 'custom', icon: '⚙️', useCase: 'Manual scope configuration' },
    ];
    const openWizard = async (viewport = DESKTOP): Promise<Page> => {
      const page = await world.signedIn(viewport);
      await openArea(page, 'Keys');
      await page.getByRole('link', { name: 'Create a key' }).click();
      await page.getByRole('heading', { name: 'Step 1 of 4: Preset' }).waitFor();
      return page;
    };

    it("shows each preset's icon and use case as seed 004's table does, from the model", async () => {
      const page = await openWizard();
      for (const preset of SEED_TABLE) {
        const card = page.locator('.card', { has: page.getByRole('radio', { name: preset.name, exact: true }) });
        await eventually(() => textOf(card.locator('label'))).toBe(`${preset.icon}${preset.name}`);
        await eventually(() => textOf(card.locator('.use-case'))).toBe(preset.useCase);
      }
      await photograph(page, 'wizard-presets', DESKTOP.width);
      await photograph(await openWizard(PHONE), 'wizard-presets', PHONE.width);
    });

    it('shows a policy whose grants are levels with those levels, not as "no grants"', async () => {
      const policy = await world.created('/v1/policies', {
        environmentId: world.environmentId,
        name: 'agent viewers',
        levels: { agent: 'view' },
      });
      const page = await openWizard();
      await page.getByLabel('Name', { exact: true }).fill('levels-key');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Step 2 of 4: Scopes' }).waitFor();
      await eventually(() => textOf(page.locator(`label[for="policy-${policy.id}"]`))).toBe(
        'agent viewers agent: view',
      );
    });
  });
});
