/** Reading the envelope segments' fields into their JSON shapes, and comparing control numbers. */
import type { GroupHeader, InterchangeEnvelope } from './types.ts';
import type { Delimiters, Segment } from './segments.ts';
import { parseDate, parseTime } from './values.ts';

export type Comparison = 'same' | 'padding' | 'different';

export function compareControl(header: string, trailer: string): Comparison {
  if (header === trailer) return 'same';
  if (/^\d+$/.test(header) && /^\d+$/.test(trailer) && Number(header) === Number(trailer)) return 'padding';
  return 'different';
}

export function text(element: Segment['elements'][number] | undefined): string {
  if (element === undefined) return '';
  return typeof element === 'string' ? element : element.join('');
}

export function location(segment: Segment): { tag: string; position: number; indexInSet?: number } {
  return { tag: segment.tag, position: segment.position, ...(segment.index !== undefined ? { indexInSet: segment.index } : {}) };
}

export function envelopeFromIsa(fields: string[], delimiters: Delimiters): InterchangeEnvelope {
  const f = (n: number): string => (fields[n - 1] ?? '').trim();
  const usageCode = f(15);
  const envelope: InterchangeEnvelope = {
    authorization: { qualifier: f(1), information: f(2) },
    security: { qualifier: f(3), information: f(4) },
    sender: { qualifier: f(5), id: f(6) },
    receiver: { qualifier: f(7), id: f(8) },
    dateRaw: f(9),
    timeRaw: f(10),
    standardsId: fields[10] ?? '',
    version: f(12),
    controlNumber: f(13),
    ackRequested: f(14) === '1',
    usage: usageCode === 'P' ? 'production' : usageCode === 'T' ? 'test' : usageCode === 'I' ? 'information' : usageCode,
    test: usageCode === 'T',
    delimiters,
  };
  const date = /^\d{6}$/.test(envelope.dateRaw) ? parseDate(envelope.dateRaw) : undefined;
  if (date !== undefined) envelope.date = date;
  const time = /^\d{4}$/.test(envelope.timeRaw) ? parseTime(envelope.timeRaw) : undefined;
  if (time !== undefined) envelope.time = time;
  return envelope;
}


export function groupHeaderFromGs(segment: Segment): GroupHeader {
  const g = (n: number): string => text(segment.elements[n - 1]).trim();
  const header: GroupHeader = {
    functionalId: g(1),
    applicationSender: g(2),
    applicationReceiver: g(3),
    dateRaw: g(4),
    timeRaw: g(5),
    controlNumber: g(6),
    agency: g(7),
    version: g(8),
  };
  const date = parseDate(header.dateRaw);
  if (date !== undefined) header.date = date;
  const time = parseTime(header.timeRaw);
  if (time !== undefined) header.time = time;
  return header;
}
