/**
 * Text as a terminal shows it: display width in columns and wrapping that never cuts.
 *
 * Widths come from `string-width` 4, the very copy cli-table3 measures its cells with, so a line
 * wrapped here to a column's width is never truncated by the table ("…"). East Asian wide
 * characters (CJK) take 2 columns, combining marks 0, ANSI colour codes none.
 */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The columns `text` takes on a terminal (its widest line, if it has several). */
export function displayWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => stringWidth(line)));
}

/** Where a word may break without a space: after a hyphen between letters ("mutual-|exclusion"). */
const HYPHEN_BREAK = /(?<=\p{L}-)(?=\p{L})/u;

/** The widest unbreakable run of `text` (a word, or a part of a hyphenated word), in columns. */
export function longestWord(text: string): number {
  return Math.max(0, ...text.split(/\s+/).flatMap((word) => word.split(HYPHEN_BREAK)).map((part) => stringWidth(part)));
}

/**
 * Breaks one word into pieces of at most `width` columns, between graphemes (a CJK word, which has
 * no spaces, or a long path). A grapheme wider than `width` gets a piece of its own.
 */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const { segment } of graphemes.segment(word)) {
    const w = stringWidth(segment);
    if (used + w > width && piece !== '') {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += segment;
    used += w;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** A word's pieces for wrapping: the word whole when it fits, else its hyphenated parts, each broken between graphemes if still too wide. */
function pieces(word: string, limit: number): string[] {
  if (stringWidth(word) <= limit) return [word];
  return word.split(HYPHEN_BREAK).flatMap((part) => (stringWidth(part) > limit ? breakWord(part, limit) : [part]));
}

/**
 * `text` wrapped into lines of at most `width` columns (at least 1): at spaces where it can, after
 * the hyphen of a hyphenated word that does not fit, and between characters only when a part is
 * alone wider than `width`. Existing line breaks are kept. Every character of `text` except the
 * spaces it breaks at is kept: nothing is cut.
 */
export function wrapText(text: string, width: number): string[] {
  const limit = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      pieces(word, limit).forEach((piece, k) => {
        // The first piece of a word follows a space; the others continue the word.
        const gap = k === 0 && line !== '' ? 1 : 0;
        const w = stringWidth(piece);
        if (line !== '' && used + gap + w <= limit) {
          line += `${gap === 1 ? ' ' : ''}${piece}`;
          used += gap + w;
        } else {
          if (line !== '') lines.push(line);
          line = piece;
          used = w;
        }
      });
    }
    lines.push(line);
  }
  return lines;
}

/**
 * `text` shortened to at most `width` columns, ending in "…" when it was shortened. Only for
 * transient lines (a progress line), never for a figure: tables wrap instead.
 */
export function shorten(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}
