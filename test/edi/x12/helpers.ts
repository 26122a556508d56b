import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ControlNumberSource, WriteOptions } from '../../../runtime/edi/x12/index.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/x12/', import.meta.url));

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.edi'))
    .sort();
}

export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** A counter per envelope kind, as the runtime would keep in storage. */
export function counters(start = 1): ControlNumberSource & { calls: string[] } {
  const next = { interchange: start, group: start, transaction: start };
  const calls: string[] = [];
  const source = ((kind: keyof typeof next) => {
    calls.push(kind);
    return next[kind]++;
  }) as ControlNumberSource & { calls: string[] };
  source.calls = calls;
  return source;
}

export function writeOptions(overrides: Partial<WriteOptions> = {}): WriteOptions {
  return {
    sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
    receiver: { qualifier: 'ZZ', id: 'PARTNER' },
    controlNumbers: counters(),
    at: { date: '2024-05-06', time: '07:08' },
    ...overrides,
  };
}

/** A minimal valid interchange around the given set bodies (segments between ST and SE, "~"-terminated). */
export function interchange(sets: Array<{ type: string; body: string[]; control?: string }>, functionalId = 'PO'): string {
  const isa = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240506*0708*U*00401*000000007*0*P*>~';
  const parts = [isa, `GS*${functionalId}*SENDER*RECEIVER*20240506*0708*7*X*004010~`];
  sets.forEach((s, i) => {
    const control = s.control ?? String(i + 1).padStart(4, '0');
    parts.push(`ST*${s.type}*${control}~`, ...s.body.map((b) => `${b}~`), `SE*${s.body.length + 2}*${control}~`);
  });
  parts.push(`GE*${sets.length}*7~`, 'IEA*1*000000007~');
  return parts.join('\n');
}
