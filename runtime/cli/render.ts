/** Printing messages for people (tail, dlq show) and for machines (--json). */
import type { MsgHdrs } from '@nats-io/transport-node';

const decoder = new TextDecoder();

export function headerObject(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of h) out[k] = v.join(', ');
  return out;
}

export function bodyValue(data: Uint8Array): unknown {
  const text = decoder.decode(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function renderMessage(m: { subject: string; seq?: number; time?: Date; headers: Record<string, string>; data: Uint8Array }): string {
  const head = [`--- ${m.subject}`];
  if (m.seq !== undefined) head.push(`seq ${m.seq}`);
  if (m.time) head.push(m.time.toISOString());
  const lines = [head.join('  ')];
  for (const [k, v] of Object.entries(m.headers)) lines.push(`${k}: ${v}`);
  const body = bodyValue(m.data);
  lines.push(typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return lines.join('\n') + '\n';
}

export function jsonLine(m: { subject: string; seq?: number; time?: Date; headers: Record<string, string>; data: Uint8Array }): string {
  return JSON.stringify({ subject: m.subject, seq: m.seq, time: m.time?.toISOString(), headers: m.headers, body: bodyValue(m.data) }) + '\n';
}
