/**
 * The README and the docs link only to what the repository holds: every relative link names a
 * file in it, and every `#anchor` a heading of the page it points to (GitHub's heading slugs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = [
  'README.md',
  ...readdirSync(resolve(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

function slugs(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => match[1] ?? '');
  return new Set(
    headings.map((heading) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[`*_]/g, '')
        .replace(/[^\p{L}\p{N} -]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

function links(markdown: string): string[] {
  // Links outside code blocks only: examples in fences are not links.
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe.each(PAGES)('%s', (page) => {
  const text = readFileSync(resolve(ROOT, page), 'utf8');

  it('links only to files inside the repository', () => {
    for (const target of links(text)) {
      const path = target.split('#')[0] ?? '';
      if (path === '') continue;
      const file = resolve(ROOT, dirname(page), path);
      expect(relative(ROOT, file).startsWith('..'), `${target} leaves the repository`).toBe(false);
      expect(existsSync(file), `${target} exists`).toBe(true);
    }
  });

  it('links only to headings that exist', () => {
    for (const target of links(text).filter((candidate) => candidate.includes('#'))) {
      const [path, anchor] = target.split('#') as [string, string];
      const linked = path === '' ? text : readFileSync(resolve(ROOT, dirname(page), path), 'utf8');
      if (!path.endsWith('.md') && path !== '') continue;
      expect(slugs(linked).has(anchor), `${page} → ${target}`).toBe(true);
    }
  });
});

it('README links to the concepts and the deployment guide', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(links(readme)).toEqual(expect.arrayContaining(['docs/concepts.md', 'docs/deploy.md']));
});
