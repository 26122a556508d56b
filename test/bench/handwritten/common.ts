/**
 * Helpers shared by the hand-written mappings: the few places where a mapping's output depends
 * on how JSONata turns values into text or rounds, written the way one would write them in a
 * service that has to produce byte-identical documents.
 */

export type Bindings = Readonly<Record<string, unknown>>;

/** A hand-written mapping: the message body and the expression bindings in, the new body out. */
export type HandWritten = (body: unknown, bindings: Bindings) => unknown;

/** A JSON object as the mappings read it. */
export type Json = Record<string, unknown>;

/** The mappings' `$text($v)`: a non-empty string, else nothing. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A value as text inside a string (`&`, `$string`): numbers with at most 15 significant digits. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  return JSON.stringify(v);
}

/** `$string($v)`: nothing stays nothing. */
export function string(v: unknown): string | undefined {
  return v === undefined ? undefined : str(v);
}

/**
 * Rounds half to even at `precision` decimals, shifting the decimal point in the number's text
 * rather than multiplying (so 4.35 * 100 rounding noise cannot tip a half either way).
 */
export function round(value: number, precision: number): number {
  let v = value;
  if (precision !== 0) {
    const [m, e] = v.toString().split('e');
    v = Number(`${m}e${e === undefined ? precision : Number(e) + precision}`);
  }
  let r = Math.round(v);
  if (Math.abs(r - v) === 0.5 && Math.abs(r % 2) === 1) r -= 1;
  if (precision !== 0) {
    const [m, e] = r.toString().split('e');
    r = Number(`${m}e${e === undefined ? -precision : Number(e) - precision}`);
  }
  return r === 0 ? 0 : r;
}

/** The first item of `list` whose `key` is `value`. */
export function first(list: unknown, key: string, value: unknown): Json | undefined {
  if (!Array.isArray(list) || value === undefined) return undefined;
  for (const item of list as Json[]) if (item[key] === value) return item;
  return undefined;
}

/** Sum of the numbers, or nothing when there are none. */
export function sum(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  let n = 0;
  for (const v of values) {
    if (v === undefined) continue;
    total += v;
    n++;
  }
  return n === 0 ? undefined : total;
}

/** `[Y0001]-[M01]-[D01]` of an instant, in UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const gtinPattern = /^([0-9]{8}|[0-9]{12,14})$/;

/** The first of a line's UPC, EAN or GTIN-14 codes that is a well-formed GTIN. */
export function gtin(ids: Json | undefined): string | undefined {
  if (ids === undefined) return undefined;
  for (const code of [ids.UP, ids.EN, ids.UK]) {
    if (typeof code === 'string' && gtinPattern.test(code)) return code;
  }
  return undefined;
}

/**
 * The item identity the supplier-document mappings (810, 855, 856) write, in their key order:
 * buyer's part (BP, else IN) as sku, vendor's part (VN, else VP), GTIN, free-form description.
 */
export function writeItemIdentity(out: Json, ids: Json | undefined, descriptions: unknown): void {
  const sku = ids?.BP ? ids.BP : ids?.IN;
  if (sku !== undefined) out.sku = sku;
  const supplierPartNumber = ids?.VN ? ids.VN : ids?.VP;
  if (supplierPartNumber !== undefined) out.supplierPartNumber = supplierPartNumber;
  const code = gtin(ids);
  if (code !== undefined) out.gtin = code;
  const description = freeFormDescription(descriptions);
  if (description !== undefined) out.description = description;
}

/** The description of type F among an X12 item's descriptions, when not empty. */
export function freeFormDescription(descriptions: unknown): string | undefined {
  return text(first(descriptions, 'type', 'F')?.description);
}

/** The canonical terms basis as X12 ITD02 codes (the 850 we send and the 810 we send). */
export const termsBasis: ReadonlyMap<string, string> = new Map([
  ['ship-date', '1'],
  ['delivery-date', '2'],
  ['invoice-date', '3'],
  ['invoice-receipt-date', '5'],
  ['goods-receipt-date', '15'],
]);
