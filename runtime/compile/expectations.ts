/**
 * The expectations file: business SLA timers declared in YAML, checked with file:line:col
 * messages and compiled (JSONata built once, durations and calendars resolved) for the
 * expectations engine in operations/. The file is found by its top-level `expectations:` key.
 */
import type { Diagnostics } from '../config/diagnostics.ts';
import type { Path, YamlSource } from '../config/yaml-source.ts';
import { parseDuration } from '../config/durations.ts';
import { subjectsOverlap } from '../config/subjects.ts';
import { compileExpression, ExpressionError, type CompileOptions, type Expression } from '../expressions/jsonata.ts';
import { calendarOf, validTimeZone, type LocationCalendar } from '../availability/calendar.ts';
import { checkShape } from './shape.ts';
import type { StreamDeclaration } from './streams.ts';
import { expectationsSchema } from './expectations-schema.ts';

/** Business time: the location calendar's days, plus opening hours (minutes after local midnight). */
export interface BusinessCalendar extends LocationCalendar {
  readonly name: string;
  readonly openMinute: number;
  readonly closeMinute: number;
}

/** One kind of document an expectation reads: a subject pattern and its key (and labels). */
export interface DocumentRule {
  readonly subject: string;
  readonly key: Expression;
  readonly partner?: Expression;
  readonly channel?: Expression;
  readonly warehouse?: Expression;
}

export interface Expectation {
  readonly name: string;
  readonly description: string;
  readonly when: readonly DocumentRule[];
  readonly expect: readonly DocumentRule[];
  readonly withinMs: number;
  readonly within: string;
  readonly calendar?: BusinessCalendar;
  readonly raise: { readonly type: string; readonly documentType?: string };
  /** Where it is declared (`file:line`), for messages and the API. */
  readonly declaredAt: string;
}

const DAY_MS = 86_400_000;
/** Finished expectations are kept five weeks by default: a month of KPIs, with a week to spare. */
export const DEFAULT_RETENTION_MS = 35 * DAY_MS;

export interface ExpectationSet {
  readonly file: string;
  /** How long a finished record stays in the view (its newest instant older than this is pruned). */
  readonly retentionMs: number;
  readonly expectations: readonly Expectation[];
}

interface DocumentDoc {
  subject: string;
  key: string;
  partner?: string;
  channel?: string;
  warehouse?: string;
}

interface ExpectationDoc {
  description?: string;
  when: DocumentDoc | DocumentDoc[];
  expect: DocumentDoc | DocumentDoc[];
  within: string;
  calendar?: string;
  raise: { type: string; documentType?: string };
}

interface CalendarDoc {
  timeZone: string;
  workingDays?: string[];
  hours?: string;
  holidays?: string[];
}

interface FileDoc {
  calendars?: Record<string, CalendarDoc>;
  retention?: string;
  expectations: Record<string, ExpectationDoc>;
}

const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Checks and compiles an expectations file; reports every problem and returns undefined on errors. */
export function compileExpectations(source: YamlSource, diags: Diagnostics, options: CompileOptions = {}): ExpectationSet | undefined {
  if (!checkShape(source, expectationsSchema, source.value, [], diags, 'expectations file')) return undefined;
  const doc = source.value as FileDoc;
  let ok = true;
  const calendars = new Map<string, BusinessCalendar>();
  for (const [name, c] of Object.entries(doc.calendars ?? {})) {
    if (!validTimeZone(c.timeZone)) {
      diags.error(source.file, source.locate(['calendars', name, 'timeZone']), 'expectation-calendar', `calendar '${name}': '${c.timeZone}' is not a time zone (write an IANA name such as America/New_York)`);
      ok = false;
      continue;
    }
    const [open, close] = c.hours ? (c.hours.split('-') as [string, string]).map(minuteOf) as [number, number] : [0, 1440];
    if (close <= open) {
      diags.error(source.file, source.locate(['calendars', name, 'hours']), 'expectation-calendar', `calendar '${name}': hours must end after they start (${c.hours})`);
      ok = false;
      continue;
    }
    const base = calendarOf({ timeZone: c.timeZone, ...(c.workingDays ? { workingDays: c.workingDays } : {}), ...(c.holidays ? { holidays: c.holidays } : {}) });
    calendars.set(name, { ...base, name, openMinute: open, closeMinute: close });
  }
  const expr = (text: string, at: Path): Expression | undefined => {
    try {
      return compileExpression(text, options);
    } catch (err) {
      const e = err instanceof ExpressionError ? err : new ExpressionError('E0000', String(err));
      diags.error(source.file, source.locateInScalar(at, Math.max(0, (e.position ?? 1) - 1)), 'expectation-expression', `invalid JSONata: ${e.message}`);
      ok = false;
      return undefined;
    }
  };
  const rules = (name: string, part: 'when' | 'expect', value: DocumentDoc | DocumentDoc[]): DocumentRule[] => {
    const list = Array.isArray(value) ? value : [value];
    const out: DocumentRule[] = [];
    list.forEach((d, i) => {
      const at: Path = Array.isArray(value) ? ['expectations', name, part, i] : ['expectations', name, part];
      if (part === 'when' && d.partner === undefined) {
        diags.error(source.file, source.locate(at), 'expectation-partner', `expectation '${name}': each \`when\` document needs a \`partner\` expression (the exception is raised for it)`);
        ok = false;
      }
      const key = expr(d.key, [...at, 'key']);
      const labels: Partial<Record<'partner' | 'channel' | 'warehouse', Expression>> = {};
      for (const field of ['partner', 'channel', 'warehouse'] as const) {
        const text = d[field];
        if (text === undefined) continue;
        const e = expr(text, [...at, field]);
        if (e) labels[field] = e;
      }
      if (key) out.push({ subject: d.subject, key, ...labels });
    });
    return out;
  };
  const expectations: Expectation[] = [];
  for (const [name, e] of Object.entries(doc.expectations)) {
    let calendar: BusinessCalendar | undefined;
    if (e.calendar !== undefined) {
      calendar = calendars.get(e.calendar);
      if (!calendar) {
        const known = [...calendars.keys()].join(', ') || 'none';
        diags.error(source.file, source.locate(['expectations', name, 'calendar']), 'expectation-calendar', `expectation '${name}' uses calendar '${e.calendar}', which is not declared under calendars: (declared: ${known})`);
        ok = false;
      }
    }
    const withinMs = parseDuration(e.within);
    if (withinMs <= 0) {
      diags.error(source.file, source.locate(['expectations', name, 'within']), 'expectation-within', `expectation '${name}': within must be longer than 0`);
      ok = false;
    }
    expectations.push({
      name,
      description: e.description ?? '',
      when: rules(name, 'when', e.when),
      expect: rules(name, 'expect', e.expect),
      withinMs,
      within: e.within,
      ...(calendar ? { calendar } : {}),
      raise: { type: e.raise.type, ...(e.raise.documentType !== undefined ? { documentType: e.raise.documentType } : {}) },
      declaredAt: `${source.file}:${source.locate(['expectations', name], 'key').line}`,
    });
  }
  const retentionMs = doc.retention === undefined ? DEFAULT_RETENTION_MS : parseDuration(doc.retention);
  // A day at least: the KPIs' default window and every deadline round need the records of the last one.
  if (retentionMs < DAY_MS) {
    diags.error(source.file, source.locate(['retention']), 'expectation-retention', `retention must be at least 1d (it is ${doc.retention}): KPIs and late documents need a day of finished expectations`);
    ok = false;
  }
  return ok ? { file: source.file, retentionMs, expectations } : undefined;
}

/** Every subject an expectation reads must be captured by a declared stream (it is read from there). */
export function checkExpectationStreams(set: ExpectationSet, streams: readonly StreamDeclaration[], source: YamlSource, diags: Diagnostics): void {
  for (const e of set.expectations) {
    for (const part of ['when', 'expect'] as const) {
      e[part].forEach((rule, i) => {
        if (streamOf(rule.subject, streams)) return;
        const list = Array.isArray((source.value as FileDoc).expectations[e.name]?.[part]);
        const at: Path = list ? ['expectations', e.name, part, i, 'subject'] : ['expectations', e.name, part, 'subject'];
        diags.error(source.file, source.locate(at), 'expectation-stream', `subject '${rule.subject}' is not captured by any declared stream, so expectation '${e.name}' could never see it`);
      });
    }
  }
  if (!streams.some((s) => s.subjects.some((p) => subjectsOverlap(p, 'exceptions.x.y')))) {
    diags.error(source.file, source.locate(['expectations'], 'key'), 'expectation-exceptions-stream', 'no stream captures exceptions.> for the exceptions expectations raise');
  }
}

/** The declared stream that captures `subject`, if one does. */
export function streamOf(subject: string, streams: readonly StreamDeclaration[]): StreamDeclaration | undefined {
  return streams.find((s) => s.subjects.some((p) => subjectsOverlap(p, subject)));
}
