import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../runtime/config/env.ts';
import { formatDuration, parseDuration } from '../../runtime/config/durations.ts';
import { subjectContains, subjectMatches, subjectsOverlap } from '../../runtime/config/subjects.ts';
import { parseYamlSource } from '../../runtime/config/yaml-source.ts';
import { Diagnostics, positionAt } from '../../runtime/config/diagnostics.ts';

describe('${VAR} references', () => {
  const env = (k: string): string | undefined => ({ HOST: 'erp.example.com', EMPTY: '' })[k];
  it('substitutes, defaults, escapes and reports missing names with their offsets', () => {
    expect(substituteEnv('https://${HOST}/api', env)).toMatchObject({ value: 'https://erp.example.com/api', referenced: true, whole: false, missing: [] });
    expect(substituteEnv('${PORT:-8080}', env)).toMatchObject({ value: '8080', referenced: false, whole: true });
    expect(substituteEnv('${EMPTY:-x}', env).value).toBe('x');
    expect(substituteEnv('literal $${HOST}', env)).toMatchObject({ value: 'literal ${HOST}', referenced: false });
    expect(substituteEnv('a ${NOPE} b ${ALSO}', env).missing).toEqual([{ name: 'NOPE', offset: 2 }, { name: 'ALSO', offset: 12 }]);
    expect(substituteEnv('no references', env).changed).toBe(false);
  });

  it('types a whole plain reference like a literal, and marks it secret', () => {
    const diags = new Diagnostics();
    const src = parseYamlSource('f.yaml', 'a: ${N}\nb: "${N}"\nc: x-${N}\n', diags, (k) => (k === 'N' ? '5' : undefined))!;
    expect(src.value).toEqual({ a: 5, b: '5', c: 'x-5' });
    expect([...src.secretPaths].sort()).toEqual(['/a', '/b', '/c']);
    expect(diags.items).toEqual([]);
  });
});

describe('durations', () => {
  it('parses the units people write and refuses the rest', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('1.5m'), parseDuration('2h'), parseDuration('7d')]).toEqual([500, 10_000, 90_000, 7_200_000, 604_800_000]);
    expect(() => parseDuration('10 seconds')).toThrow(/not a duration/);
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});

describe('subjects', () => {
  it('matches wildcards as NATS does', () => {
    expect(subjectMatches('erp.>', 'erp.salesorders.shopify')).toBe(true);
    expect(subjectMatches('erp.>', 'erp')).toBe(false);
    expect(subjectMatches('erp.*.shopify', 'erp.salesorders.shopify')).toBe(true);
    expect(subjectMatches('erp.*', 'erp.salesorders.shopify')).toBe(false);
  });
  it('tells overlap from containment', () => {
    expect(subjectsOverlap('channel.>', 'channel.shopify.*')).toBe(true);
    expect(subjectsOverlap('channel.*.orders', 'channel.shopify.>')).toBe(true);
    expect(subjectsOverlap('erp.>', 'dlq.>')).toBe(false);
    expect(subjectsOverlap('a.b', 'a.b.c')).toBe(false);
    expect(subjectContains('channel.>', 'channel.shopify.*')).toBe(true);
    expect(subjectContains('channel.shopify.*', 'channel.>')).toBe(false);
  });
});

describe('positions', () => {
  it('counts lines and columns from 1', () => {
    expect(positionAt('ab\ncd', 0)).toEqual({ line: 1, col: 1 });
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
  });
});
