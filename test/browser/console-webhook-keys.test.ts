/**
 * Webhook keys in the console, in Chromium against the built server: a webhook resource's page
 * adds a webhook key with the sender's secret imported, shows the secret once, lists the key by
 * hint, and the key then verifies a delivery signed with that secret (GitHub's documented example).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  openArea,
  startConsoleWorld,
  textOf,
  type ConsoleWorld,
  TEST_MS,
  WORLD_START_MS,
} from './console-support.js';

const GITHUB = {
  secret: "It's a Secret to Everybody",
  request: {
    headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    body: 'Hello, World!',
  },
};

describe.skipIf(!hasChromium)("a webhook's keys in the console", { timeout: TEST_MS }, () => {
  let world: ConsoleWorld;
  let webhookId: string;

  beforeAll(async () => {
    world = await startConsoleWorld();
    webhookId = (await world.created('/v1/resources', { type: 'webhook', name: 'github-pushes' })).id;
  }, WORLD_START_MS);
  afterAll(async () => {
    await world?.close();
  });

  it("adds a webhook key from the webhook's page, shows its secret once, and lists it by hint", async () => {
    const page = await world.signedIn();
    await openArea(page, 'Resources');
    await page.getByRole('link', { name: 'github-pushes' }).click();
    await page.getByRole('heading', { name: 'Webhook keys' }).waitFor();
    await page.getByLabel('Webhook key name').fill('pushes');
    await page.getByLabel('Signed by').selectOption('github');
    await page.getByLabel("Sender's secret (empty: generate one)").fill(GITHUB.secret);
    await page.getByRole('button', { name: 'Add webhook key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Secret of pushes' });
    await eventually(() => dialog.getByLabel(/^Secret of whk_/).inputValue()).toBe(GITHUB.secret);
    await dialog.getByRole('button', { name: 'I have stored it' }).click();
    await dialog.waitFor({ state: 'detached' });
    const list = page.getByRole('list', { name: 'Webhook keys of github-pushes' });
    await eventually(() => textOf(list)).toContain('…body');
    expect(await textOf(list)).not.toContain(GITHUB.secret);

    const keys = (await world.call('GET', `/v1/webhook-keys?webhookId=${webhookId}`, world.adminKey)).body.items;
    expect(keys).toHaveLength(1);
    const verdict = await world.call('POST', `/v1/webhook-keys/${keys[0].id}/verify`, world.adminKey, GITHUB.request);
    expect(verdict.body).toEqual({ valid: true });
  });
});
