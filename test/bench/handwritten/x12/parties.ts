/** The N1 party and address mapping the supplier documents (810, 855, 856) share. */
import { type Json, text } from '../common.ts';

export function address(p: Json): Json | undefined {
  const lines = p.address as unknown[] | undefined;
  if (!lines?.[0] || !p.city) return undefined;
  const out: Json = { line1: lines[0] };
  const line2 = text(lines.slice(1, 10).join(', '));
  if (line2 !== undefined) out.line2 = line2;
  out.city = p.city;
  const region = text(p.state);
  if (region !== undefined) out.region = region;
  const postalCode = text(p.postalCode);
  if (postalCode !== undefined) out.postalCode = postalCode;
  out.country = text(p.country) ? p.country : 'US';
  return out;
}

export function party(p: Json | undefined): Json | undefined {
  if (!p) return undefined;
  const qualifier = p.idQualifier;
  const out: Json = {};
  const id = qualifier === '92' ? p.id : text(p.id) ? p.id : p.name;
  if (id !== undefined) out.id = id;
  const name = text(p.name);
  if (name !== undefined) out.name = name;
  if (qualifier !== undefined && qualifier !== '92') {
    const partnerId = text(p.id);
    if (partnerId !== undefined) out.partnerId = partnerId;
  }
  if (qualifier === 'UL' && p.id !== undefined) out.gln = p.id;
  if ((qualifier === '1' || qualifier === '9') && p.id !== undefined) out.duns = p.id;
  const postal = address(p);
  if (postal !== undefined) out.address = postal;
  return out;
}

/** The first party with one of these roles. */
export function partyIn(parties: unknown, roles: readonly string[]): Json | undefined {
  for (const p of (parties ?? []) as Json[]) if (roles.includes(p.role as string)) return p;
  return undefined;
}
