/**
 * What a demo day did: for every pipeline, messages in and out, dead letters and drops (from
 * the runner's metrics); every business exception and dead letter written during the day,
 * with its reason; documents per destination. Reads only what the day added to the streams.
 */
import type { JetStreamManager } from '@nats-io/jetstream';

export type StreamMarks = Record<string, number>;

/** The last sequence of every stream now, so the summary counts only what comes after. */
export async function markStreams(jsm: JetStreamManager): Promise<StreamMarks> {
  const marks: StreamMarks = {};
  for await (const s of jsm.streams.list()) marks[s.config.name] = s.state.last_seq;
  return marks;
}

/** Waits until no durable consumer has work left (or the timeout passes). */
export async function waitForQuiet(jsm: JetStreamManager, timeoutMs: number, settleMs = 1500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    let busy = false;
    for await (const s of jsm.streams.list()) {
      for await (const c of jsm.consumers.list(s.config.name)) {
        if (c.config.durable_name && (c.num_pending > 0 || c.num_ack_pending > 0)) busy = true;
      }
    }
    if (busy) quietSince = undefined;
    else if (quietSince === undefined) quietSince = Date.now();
    else if (Date.now() - quietSince >= settleMs) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export interface DayMessage {
  readonly stream: string;
  readonly subject: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export async function messagesSince(jsm: JetStreamManager, marks: StreamMarks): Promise<DayMessage[]> {
  const out: DayMessage[] = [];
  const decoder = new TextDecoder();
  for await (const s of jsm.streams.list()) {
    const name = s.config.name;
    for (let seq = (marks[name] ?? 0) + 1; seq <= s.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(name, { seq }).catch(() => null);
      if (!m) continue;
      const headers: Record<string, string> = {};
      if (m.header) for (const [k, v] of m.header) headers[k] = v.join(',');
      out.push({ stream: name, subject: m.subject, headers, body: decoder.decode(m.data) });
    }
  }
  return out;
}

export interface PipelineCounts {
  readonly pipeline: string;
  readonly in: number;
  readonly out: number;
  readonly deadLettered: number;
  readonly dropped: number;
  readonly retried: number;
}

/** Per-pipeline counters from a Prometheus text page (the runner's /metrics). */
export function countsFromMetrics(text: string): PipelineCounts[] {
  const by = new Map<string, Record<string, number>>();
  for (const line of text.split('\n')) {
    const m = /^crossdock_messages_(in|out|dead_lettered|dropped|retried)_total\{pipeline="([^"]+)"\} (\d+)/.exec(line);
    if (!m) continue;
    const row = by.get(m[2] as string) ?? {};
    row[m[1] as string] = Number(m[3]);
    by.set(m[2] as string, row);
  }
  return [...by.entries()]
    .map(([pipeline, r]) => ({ pipeline, in: r.in ?? 0, out: r.out ?? 0, deadLettered: r.dead_lettered ?? 0, dropped: r.dropped ?? 0, retried: r.retried ?? 0 }))
    .sort((a, b) => a.pipeline.localeCompare(b.pipeline));
}

export function renderSummary(counts: readonly PipelineCounts[], day: readonly DayMessage[]): string {
  const lines: string[] = [];
  const active = counts.filter((c) => c.in + c.out + c.deadLettered > 0);
  lines.push('Documents per flow', '');
  const head = ['pipeline', 'in', 'out', 'dead letters', 'filtered'];
  const rows = active.map((c) => [c.pipeline, String(c.in), String(c.out), String(c.deadLettered), String(c.dropped)]);
  lines.push(...table(head, rows), '');

  const destinations = new Map<string, number>();
  for (const m of day) {
    if (m.stream === 'DLQ' || m.stream === 'EXCEPTIONS') continue;
    const key = m.subject.split('.').slice(0, 3).join('.');
    destinations.set(key, (destinations.get(key) ?? 0) + 1);
  }
  lines.push('Messages by destination', '');
  lines.push(...table(['subject', 'messages'], [...destinations.entries()].sort().map(([k, v]) => [k, String(v)])), '');

  const exceptions = day.filter((m) => m.stream === 'EXCEPTIONS');
  lines.push(`Business exceptions: ${exceptions.length}`, '');
  for (const e of exceptions) lines.push(`  ${e.subject}: ${reasonOf(e.body)}`);
  const dead = day.filter((m) => m.stream === 'DLQ');
  lines.push('', `Dead letters: ${dead.length}`, '');
  for (const d of dead) lines.push(`  ${d.headers['Crossdock-Pipeline'] ?? '?'} (${d.headers['Crossdock-Step'] ?? '?'}): ${truncate(d.headers['Crossdock-Reason'] ?? '', 140)}`);
  return lines.join('\n');
}

function reasonOf(body: string): string {
  try {
    const v = JSON.parse(body) as { reason?: unknown };
    if (typeof v.reason === 'string') return truncate(v.reason, 140);
  } catch {
    // not JSON
  }
  return truncate(body, 140);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [fmt(head), ...rows.map(fmt)];
}
