/**
 * X12 simple data types (R, N0, N2, DT, TM) to JSON values and back.
 *
 * Parsers return undefined for an invalid value instead of guessing; the caller turns that into
 * an element error (AK4), so a bad quantity is reported, never read as 0 or NaN.
 */

const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)$/;
const INTEGER = /^-?\d+$/;

/** X12 type R (decimal): optional minus, digits, optional decimal point. No exponent in 4010. */
export function parseDecimal(raw: string): number | undefined {
  return DECIMAL.test(raw) ? Number(raw) : undefined;
}

/** X12 type N0 (integer), also the carrier of N2 amounts in cents. */
export function parseInteger(raw: string): number | undefined {
  return INTEGER.test(raw) ? Number(raw) : undefined;
}

/** Writes a decimal without exponent and without a trailing `.0` (X12 R has no exponent). */
export function formatDecimal(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  const fixed = value.toFixed(10).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/**
 * CCYYMMDD or YYMMDD to ISO YYYY-MM-DD. Two-digit years use the usual X12 window: 00–49 are
 * 20xx, 50–99 are 19xx (ISA09 is always YYMMDD; older versions used YYMMDD in DTM too).
 */
export function parseDate(raw: string): string | undefined {
  let year: number;
  let rest: string;
  if (/^\d{8}$/.test(raw)) {
    year = Number(raw.slice(0, 4));
    rest = raw.slice(4);
  } else if (/^\d{6}$/.test(raw)) {
    const yy = Number(raw.slice(0, 2));
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = raw.slice(2);
  } else {
    return undefined;
  }
  const month = Number(rest.slice(0, 2));
  const day = Number(rest.slice(2, 4));
  if (!isValidDate(year, month, day)) return undefined;
  return `${String(year).padStart(4, '0')}-${rest.slice(0, 2)}-${rest.slice(2, 4)}`;
}

/** ISO date (or already-compact digits) to CCYYMMDD, or YYMMDD when `digits` is 6 (ISA09). */
export function formatDate(value: string, digits: 6 | 8 = 8): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  let compact: string;
  if (iso) {
    if (!isValidDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return undefined;
    compact = `${iso[1]}${iso[2]}${iso[3]}`;
  } else if (/^\d{8}$/.test(value) || /^\d{6}$/.test(value)) {
    if (parseDate(value) === undefined) return undefined;
    compact = value.length === 6 ? (parseDate(value) ?? '').replace(/-/g, '') : value;
  } else {
    return undefined;
  }
  return digits === 6 ? compact.slice(2) : compact;
}

/** HHMM, HHMMSS or HHMMSSd..d to HH:MM, HH:MM:SS or HH:MM:SS.d..d. */
export function parseTime(raw: string): string | undefined {
  const m = /^(\d{2})(\d{2})(?:(\d{2})(\d{1,2})?)?$/.exec(raw);
  if (!m) return undefined;
  const [, hh, mm, ss, frac] = m;
  if (Number(hh) > 23 || Number(mm) > 59 || (ss !== undefined && Number(ss) > 59)) return undefined;
  let out = `${hh}:${mm}`;
  if (ss !== undefined) out += `:${ss}`;
  if (frac !== undefined) out += `.${frac}`;
  return out;
}

/** HH:MM[:SS[.d]] (or compact digits) back to the X12 TM form. */
export function formatTime(value: string): string | undefined {
  const compact = value.replace(/[:.]/g, '');
  return parseTime(compact) === undefined ? undefined : compact;
}
