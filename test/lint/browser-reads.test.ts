/**
 * Issue 30: no browser test reads the page once right after a click, where the read may come
 * before the render. A test reads the page through `eventually` (test/browser/console-support.ts),
 * which reads again until the matcher passes, or through `shown` for a value it goes on to use.
 * This finds the bare reads in the suites that drive a browser (test/browser) and the component
 * suites (ui/test, whose reads are synchronous under React Testing Library's act: none match).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES = ['test/browser', 'ui/test'];

/** Playwright calls that read the page's state as it is at that instant. */
const PAGE_READ =
  /\bawait\b[^;]*\.(textContent|innerText|innerHTML|inputValue|isVisible|isHidden|isEnabled|isDisabled|isChecked|isEditable|count|allTextContents|allInnerTexts|getAttribute|boundingBox|evaluate|content)\(/;
/** An awaited value asserted at once: `expect(await …)` or `expect((await …).x)`. */
const ASSERTED_AT_ONCE = /\bexpect\(\s*\(?\s*await\s+([\w.]+)/;
/**
 * What may be awaited inside `expect(…)`: calls over HTTP beside the browser, which answer once (`api.check`: a verify,
 * fixed-window.ts; `listAll`: the console client paging a stubbed fetch, ui/test/console-client.test.ts).
 */
const HTTP_CALLS = new Set(['world.call', 'world.verdict', 'call', 'verify', 'stored', 'api.check', 'listAll']);
/** The retrying reads. */
const RETRIED = /\b(eventually|shown)\(/;

/** The statements of a test file that read the page without retrying, as `line: statement`. */
function bareReads(source: string): string[] {
  const found: string[] = [];
  let offset = 0;
  for (const statement of source.split(/;\n/)) {
    const at = offset;
    offset += statement.length + 2;
    // "Not there" is read once on purpose: retrying a negative could only make it pass.
    if (RETRIED.test(statement) || /\)\s*\.not\./.test(statement)) continue;
    const asserted = ASSERTED_AT_ONCE.exec(statement);
    const read = asserted !== null && !HTTP_CALLS.has(asserted[1] ?? '') ? asserted : PAGE_READ.exec(statement);
    if (read === null) continue;
    const line = source.slice(0, at + read.index).split('\n').length;
    found.push(`${line}: ${statement.slice(read.index).split('\n')[0]}`);
  }
  return found;
}

/** The suites' test files; of test/browser, those that drive Chromium (not the helpers' own test). */
function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => /\.test\.tsx?$/.test(name))
    .map((name) => join(ROOT, dir, name))
    .filter((file) => dir !== 'test/browser' || /playwright-core|startConsoleWorld/.test(readFileSync(file, 'utf8')));
}

describe('page reads in the browser suites', () => {
  it('are all retried', () => {
    expect(SUITES.flatMap(testFiles).length).toBeGreaterThanOrEqual(9);
    const offenders = SUITES.flatMap(testFiles).flatMap((file) =>
      bareReads(readFileSync(file, 'utf8')).map((where) => `${relative(ROOT, file)}:${where}`),
    );
    expect(offenders).toEqual([]);
  });

  it.each([
    ["expect(await page.getByRole('main').textContent()).toContain('tenant.manage');\n"],
    ["const facts = await page.locator('.facts').textContent();\n"],
    ["expect(await page.locator('tbody tr').count()).toBe(1);\n"],
    ["expect(await factOf(page, 'Credits')).toBe('5 left');\n"],
    ['expect(await sidewaysOverflow(page)).toBe(0);\n'],
    ["expect(\n  await dialog\n    .getByRole('alert')\n    .textContent(),\n).toBe('x');\n"],
  ])('finds %j', (source) => {
    expect(bareReads(source)).toHaveLength(1);
  });

  it.each([
    ["await eventually(() => textOf(page.getByRole('main'))).toContain('tenant.manage');\n"],
    [
      "const secret = await shown(() => dialog.getByRole('textbox').inputValue(), (value) => expect(value).toMatch(KEY));\n",
    ],
    ["expect(await world.verdict(made.secret)).toBe('VALID');\n"],
    ['expect((await stored()).ratelimits).toEqual([]);\n'],
    ['expect(await page.content()).not.toContain(key);\n'],
  ])('lets %j pass', (source) => {
    expect(bareReads(source)).toEqual([]);
  });
});
