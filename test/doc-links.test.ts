/**
 * The README and the pages under docs/ link to each other and into results/: every relative link
 * must reach a file that exists, and every #anchor a heading of its page (GitHub's slugs). The
 * checker itself is tried on a fixture with links that must resolve and links that must not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenLinks, linkTargets } from './helpers/markdown-links.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

describe('links in the README and docs/', () => {
  it.each(['README.md', ...docs])('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(join(root, file), root)).toEqual([]);
  });

  it('the README links to every page of docs/', () => {
    const linked = new Set(linkTargets(readFileSync(join(root, 'README.md'), 'utf8')).map((target) => target.split('#')[0]));
    expect(docs.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe('brokenLinks', () => {
  const fixture = join(root, 'test/fixtures/markdown-links');

  it('finds every broken link of a page and nothing else', () => {
    const broken = brokenLinks(join(fixture, 'page.md'), fixture);
    expect(broken.map(({ target }) => target)).toEqual([
      'missing.md',
      'other.md#no-such-heading',
      '#notes-2',
      '../markdown-links/#x',
      'gone.md#anything',
    ]);
    expect(broken[0]).toEqual({ file: 'page.md', target: 'missing.md', reason: 'missing.md does not exist' });
    expect(broken[1]?.reason).toBe('other.md has no heading whose anchor is #no-such-heading');
    expect(broken[3]?.reason).toMatch(/which is not a Markdown page/);
  });

  it('the fixture has links that resolve (the check is not refusing everything)', () => {
    const targets = linkTargets(readFileSync(join(fixture, 'page.md'), 'utf8'));
    expect(targets).toContain('#primitive-costs-npm-run-benchmicro');
    expect(targets).toContain('#notes-1');
    expect(targets).toContain('other.md#ticket-rush--latency-doc-read-100-ms');
    expect(targets.filter((target) => target === 'missing.md')).toHaveLength(1);
  });
});
