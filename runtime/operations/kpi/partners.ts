/**
 * Partner onboarding, as the trace index sees it: a partner's first document into Crossdock
 * and the first one a pipeline finished without a dead letter. A partner document is a message
 * on `edi.in.<type>.<partner>` or `channel.<partner>.…` that came from outside: from an edge
 * (a webhook or a dropped file, source `http:…` or `file:…`) or published by another system
 * (no source). Both times are minimums over stream times, so the record ends the same whatever
 * order the streams are folded in.
 */

export interface PartnerRecord {
  readonly firstSeen?: number;
  readonly firstSuccess?: number;
}

export interface HopView {
  readonly subject: string;
  readonly time: number;
  readonly outcome: 'delivered' | 'dead-lettered' | 'exception' | 'duplicate';
  readonly pipeline?: string;
  readonly source?: string;
}

/** The partner a document came from, when it is a partner document entering Crossdock. */
export function partnerDocument(hop: HopView): string | undefined {
  if (hop.source !== undefined && !/^(http|file):/.test(hop.source)) return undefined;
  const t = hop.subject.split('.');
  if (t[0] === 'edi' && t[1] === 'in' && t.length === 4) return t[3];
  if (t[0] === 'channel' && t.length >= 3) return t[1];
  return undefined;
}

/** Whether `derived`, made by a pipeline from a partner document, finished it without failing. */
export function succeeded(derived: HopView): boolean {
  return derived.pipeline !== undefined && derived.outcome !== 'dead-lettered';
}

const earliest = (a: number | undefined, b: number): number => (a === undefined || b < a ? b : a);

/** The record after seeing the partner's document at `seen`. */
export function seen(r: PartnerRecord | undefined, at: number): PartnerRecord {
  return { ...r, firstSeen: earliest(r?.firstSeen, at) };
}

/** The record after a pipeline finished one of the partner's documents at `at`. */
export function success(r: PartnerRecord | undefined, at: number): PartnerRecord {
  return { ...r, firstSuccess: earliest(r?.firstSuccess, at) };
}
