/** The N1 party and address mapping the supplier documents (810, 855, 856) share. */
import { type Json, put, text } from '../common.ts';

export function address(p: Json): Json | undefined {
  const lines = p['address'] as unknown[] | undefined;
  if (!lines?.[0] || !p['city']) return undefined;
  const out: Json = { line1: lines[0] };
  put(out, 'line2', text(lines.slice(1, 10).join(', ')));
  out['city'] = p['city'];
  put(out, 'region', text(p['state']));
  put(out, 'postalCode', text(p['postalCode']));
  out['country'] = text(p['country']) ? p['country'] : 'US';
  return out;
}

export function party(p: Json | undefined): Json | undefined {
  if (!p) return undefined;
  const qualifier = p['idQualifier'];
  const out: Json = {};
  put(out, 'id', qualifier === '92' ? p['id'] : text(p['id']) ? p['id'] : p['name']);
  put(out, 'name', text(p['name']));
  if (qualifier !== undefined && qualifier !== '92') put(out, 'partnerId', text(p['id']));
  if (qualifier === 'UL') put(out, 'gln', p['id']);
  if (qualifier === '1' || qualifier === '9') put(out, 'duns', p['id']);
  put(out, 'address', address(p));
  return out;
}

/** The first party with one of these roles. */
export function partyIn(parties: unknown, roles: readonly string[]): Json | undefined {
  for (const p of (parties ?? []) as Json[]) if (roles.includes(p['role'] as string)) return p;
  return undefined;
}
