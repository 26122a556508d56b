/**
 * How wide a line of text draws, estimated without a browser: the layout needs node and label
 * sizes before anything is rendered, and the SVG names only generic sans-serif fonts, whose
 * widths differ by a few percent. Each character counts by its class, in ems, rounded up from
 * Arial/Helvetica and DejaVu Sans (the widest of the usual fallbacks, checked in Chromium) so
 * that a box is a little roomy rather than clipped.
 */

const NARROW = new Set([...'iIjl.,:;|!\'`']);
const SLIM = new Set([...'frt()[]{}/\\ -*"']);
const WIDE = new Set([...'mwMW@%']);

/** Width in ems of one character. */
function em(ch: string): number {
  if (NARROW.has(ch)) return 0.33;
  if (SLIM.has(ch)) return 0.43;
  if (WIDE.has(ch)) return 0.9;
  if (ch >= 'A' && ch <= 'Z') return 0.7;
  if (ch >= '0' && ch <= '9') return 0.62;
  if (ch >= 'a' && ch <= 'z') return 0.6;
  return 0.62;
}

/** Estimated width in pixels of `text` set in a sans-serif font of `fontSize` pixels. */
export function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text) ems += em(ch);
  return Math.ceil(ems * fontSize);
}

/**
 * `text` broken into lines no wider than `maxWidth` where it can be: after a space, a slash or
 * a dot (subjects and paths break between tokens), never before a last wildcard token, which
 * alone on a line would read as a stray mark. A token wider than the limit stays whole.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const tokens = text.split(/(?<=[ /.])/);
  const last = tokens[tokens.length - 1];
  if (tokens.length > 1 && (last === '*' || last === '>')) tokens.splice(-2, 2, `${tokens[tokens.length - 2]}${last}`);
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    if (line !== '' && textWidth((line + token).trimEnd(), fontSize) > maxWidth) {
      lines.push(line.trimEnd());
      line = token;
    } else {
      line += token;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}
