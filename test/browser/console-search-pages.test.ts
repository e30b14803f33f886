/**
 * Issue 26 item 1 on the console's Resources and Audit pages: both search and page on the server
 * (cursors: More reads the next page), keep their filters in the URL so a reload shows the same
 * view, and say what to do next when nothing is there (item 7's empty states). Screenshots at
 * 1280 and 390 px.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
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

const RESOURCES = 60;

describe.skipIf(!hasChromium)(
  'the Resources and Audit pages search and page on the server',
  { timeout: TEST_MS },
  () => {
    let world: ConsoleWorld;
    const made: { id: string; name: string }[] = [];

    beforeAll(async () => {
      world = await startConsoleWorld();
      for (let n = 0; n < RESOURCES; n += 1) {
        const name = `agent-${String(n).padStart(3, '0')}`;
        const body = { type: 'agent', name, externalId: `crm-${n}` };
        made.push({ id: (await world.created('/v1/resources', body)).id, name });
      }
    }, WORLD_START_MS);
    afterAll(async () => {
      await world?.close();
    });

    it('lists resources a page at a time, and More reads the next page', async () => {
      const page = await world.signedIn();
      await openArea(page, 'Resources');
      await eventually(() => page.locator('.tree > li').count()).toBe(50);
      await page.getByRole('button', { name: 'More' }).click();
      await eventually(() => page.locator('.tree > li').count()).toBe(RESOURCES);
      await eventually(() => page.getByRole('button', { name: 'More' }).count()).toBe(0);
    });

    it('finds a resource by name or external id, keeps the search across a reload, and says when none matches', async () => {
      for (const width of [1280, 390]) {
        const page = await world.signedIn({ width, height: 900 });
        await openArea(page, 'Resources');
        await page.getByLabel('Search', { exact: true }).fill('AGENT-04');
        await eventually(() => page.locator('.tree > li .node strong').allTextContents()).toEqual(
          Array.from({ length: 10 }, (_, n) => `agent-04${n}`),
        );
        await eventually(() => page.evaluate<string>('window.location.hash')).toBe('#/resources?q=AGENT-04');
        await page.getByLabel('Search', { exact: true }).fill('crm-7');
        await eventually(() => page.locator('.tree > li .node strong').allTextContents()).toEqual(['agent-007']);
        await page.reload();
        await eventually(() => page.getByLabel('Search', { exact: true }).inputValue()).toBe('crm-7');
        await eventually(() => page.locator('.tree > li .node strong').allTextContents()).toEqual(['agent-007']);
        await eventually(() => sidewaysOverflow(page)).toBe(0);
        await page.screenshot({ path: join(SCREENSHOTS, `resources-search-${width}.png`), fullPage: true });
        await page.getByLabel('Search', { exact: true }).fill('nothing-like-this');
        await eventually(() => textOf(page.getByText('No resource matches.'))).toBe('No resource matches.');
      }
    });

    it('narrows the audit log by a search and an action, from the URL, and keeps them across a reload', async () => {
      const target = made[7] as { id: string };
      for (const width of [1280, 390]) {
        const page = await world.signedIn({ width, height: 900 });
        await page.goto(`${world.server.url}/ui/#/audit?q=${target.id}`);
        await eventually(() => page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(['resource.create']);
        await eventually(() => page.getByLabel('Search', { exact: true }).inputValue()).toBe(target.id);
        await page.getByLabel('Search', { exact: true }).fill('');
        await page.getByLabel('Action', { exact: true }).fill('resource.create');
        await page.getByRole('button', { name: 'Filter' }).click();
        await eventually(() => page.evaluate<string>('window.location.hash')).toBe('#/audit?action=resource.create');
        await eventually(() => page.locator('tbody tr').count()).toBe(50);
        await page.getByRole('button', { name: 'More' }).click();
        await eventually(() => page.locator('tbody tr').count()).toBe(RESOURCES);
        await page.reload();
        await eventually(() => page.getByLabel('Action', { exact: true }).inputValue()).toBe('resource.create');
        await eventually(() => page.locator('tbody tr').count()).toBe(50);
        await eventually(() => sidewaysOverflow(page)).toBe(0);
        await page.screenshot({ path: join(SCREENSHOTS, `audit-filters-${width}.png`), fullPage: false });
        await page.goto(`${world.server.url}/ui/#/audit?action=nothing.happened`);
        await page.reload();
        await eventually(() => textOf(page.getByText(/^No events match/))).toBe(
          'No events match. Widen the time range or clear a filter.',
        );
      }
    });
  },
);
