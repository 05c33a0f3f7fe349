/**
 * Relative links in Markdown files, checked as GitHub resolves them: the target file or folder
 * exists, and a `#fragment` names a heading of the target page by its GitHub slug (github-slugger,
 * the algorithm GitHub uses, duplicates numbered `-1`, `-2` in page order). Links to other sites
 * (`https:`, `mailto:` …) are not followed. Links are read with marked's lexer, so a `](` inside
 * code is not a link and reference-style links (`[text][id]` with `[id]: target`) are resolved.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { marked, type Token, type Tokens } from 'marked';

/** One link that does not resolve: the file it is in, its target as written, and why. */
export interface BrokenLink {
  file: string;
  target: string;
  reason: string;
}

/** A heading's text as GitHub renders it: code spans and links as their text, inline HTML dropped. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'html') return '';
      if ('tokens' in token && token.tokens !== undefined) return plainText(token.tokens);
      return 'text' in token && typeof token.text === 'string' ? token.text : '';
    })
    .join('');
}

/** Calls `visit` on every token of a Markdown source, table cells and list items included. */
function eachToken(markdown: string, visit: (token: Token) => void): void {
  // walkTokens returns what the callbacks return, for asynchronous extensions; these are synchronous.
  void marked.walkTokens(marked.lexer(markdown), visit);
}

/** The anchors GitHub gives the headings of a Markdown source, in page order. */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  eachToken(markdown, (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return anchors;
}

/** Every link and image target of a Markdown source, as written (reference links resolved). */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  eachToken(markdown, (token) => {
    if (token.type === 'link' || token.type === 'image') targets.push((token as Tokens.Link | Tokens.Image).href);
  });
  return targets;
}

const external = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The relative links of `file` (a path to a Markdown file) that do not resolve. `root` only
 * shortens the paths in the result.
 */
export function brokenLinks(file: string, root: string): BrokenLink[] {
  const markdown = readFileSync(file, 'utf8');
  const shown = relative(root, file);
  const broken: BrokenLink[] = [];
  for (const target of linkTargets(markdown)) {
    if (external.test(target)) continue;
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const fragment = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? file : resolve(dirname(file), path);
    if (!existsSync(resolved)) {
      broken.push({ file: shown, target, reason: `${relative(root, resolved)} does not exist` });
      continue;
    }
    if (fragment === null) continue;
    if (statSync(resolved).isDirectory() || extname(resolved) !== '.md') {
      broken.push({ file: shown, target, reason: `#${fragment} points into ${relative(root, resolved)}, which is not a Markdown page` });
      continue;
    }
    const anchors = headingAnchors(path === '' ? markdown : readFileSync(resolved, 'utf8'));
    if (!anchors.has(fragment)) {
      broken.push({ file: shown, target, reason: `${relative(root, resolved)} has no heading whose anchor is #${fragment}` });
    }
  }
  return broken;
}
