/**
 * What is known about one expectation instance (an expectation name and a business key), and
 * the fold that changes it. Every field is a stream timestamp, never the time a runner read
 * the message, and each is the earliest seen: whatever order the streams are read in, and
 * however often, the record ends the same. That is what makes a rebuild equal the live view.
 */

export type Labels = { readonly partner?: string; readonly channel?: string; readonly warehouse?: string };

export interface ExpectationRecord {
  /** Stream time of the first `when` document (the expectation opened). */
  readonly whenAt?: number;
  readonly deadline?: number;
  /** Stream time of the first `expect` document (it may come before the `when`). */
  readonly expectAt?: number;
  /** Stream time of the exception raised for it, once the exceptions stream holds it. */
  readonly firedAt?: number;
  readonly keys: Readonly<Record<string, unknown>>;
  readonly labels: Labels;
}

export type Status = 'waiting' | 'open' | 'closed' | 'late';

/** Closed: the expected document's time is not after the deadline (arriving first counts as in time). */
export function isClosedInTime(r: ExpectationRecord): boolean {
  return r.whenAt !== undefined && r.expectAt !== undefined && r.expectAt <= (r.deadline as number);
}

/** Due: opened, not closed in time and no exception raised yet (it belongs in the deadline index). */
export function isDue(r: ExpectationRecord): boolean {
  return r.whenAt !== undefined && r.firedAt === undefined && !isClosedInTime(r);
}

export function statusOf(r: ExpectationRecord): Status {
  if (r.whenAt === undefined) return 'waiting';
  if (isClosedInTime(r)) return 'closed';
  if (r.firedAt !== undefined || r.expectAt !== undefined) return 'late';
  return 'open';
}

export interface Sighting {
  readonly role: 'when' | 'expect';
  /** Stream time of the document. */
  readonly at: number;
  readonly keys: Readonly<Record<string, unknown>>;
  readonly labels: Labels;
  /** The deadline a `when` at `at` gets (computed by the caller from the expectation's within and calendar). */
  readonly deadline?: number;
}

/** The record after one more document; the same record object when nothing changed. */
export function applySighting(before: ExpectationRecord | undefined, s: Sighting): ExpectationRecord {
  // Keys and labels come from the `when` alone, so what was read first does not matter.
  const r: ExpectationRecord = before ?? { keys: {}, labels: {} };
  if (s.role === 'expect') {
    if (r.expectAt !== undefined && r.expectAt <= s.at) return r;
    return { ...r, expectAt: s.at };
  }
  if (r.whenAt !== undefined && r.whenAt <= s.at) return r;
  // The `when` document's keys and labels describe the expectation (an expect may have come first).
  return { ...r, whenAt: s.at, deadline: s.deadline as number, keys: s.keys, labels: s.labels };
}

/**
 * The record once the exceptions stream holds its exception. Recorded even before its `when`
 * is read (a rebuild may read the exceptions stream first), so it never fires twice.
 */
export function applyFired(before: ExpectationRecord | undefined, at: number): ExpectationRecord {
  const r: ExpectationRecord = before ?? { keys: {}, labels: {} };
  if (r.firedAt !== undefined && r.firedAt <= at) return r;
  return { ...r, firedAt: at };
}
