/** NATS subject patterns: `*` matches one token, `>` one or more trailing tokens. */

/** True when `subject` (a literal subject) is matched by `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when some subject is matched by both patterns. */
export function subjectsOverlap(a: string, b: string): boolean {
  return overlapFrom(a.split('.'), b.split('.'), 0);
}

function overlapFrom(a: readonly string[], b: readonly string[], i: number): boolean {
  const x = a[i];
  const y = b[i];
  if (x === undefined && y === undefined) return true;
  if (x === '>' ) return y !== undefined;
  if (y === '>') return x !== undefined;
  if (x === undefined || y === undefined) return false;
  if (x !== '*' && y !== '*' && x !== y) return false;
  return overlapFrom(a, b, i + 1);
}

/** True when every subject matched by `inner` is also matched by `outer`. */
export function subjectContains(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const n = inner.split('.');
  for (let i = 0; i < o.length; i++) {
    const t = o[i];
    if (t === '>') return n.length > i;
    const u = n[i];
    if (u === undefined) return false;
    if (u === '>') return false;
    if (t !== '*' && (u === '*' || t !== u)) return false;
  }
  return o.length === n.length;
}
