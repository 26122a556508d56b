/** Parsing a YAML source: aliases within reason become values, an alias bomb a diagnostic. */
import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { parseYamlSource } from '../../runtime/config/yaml-source.ts';

function parse(text: string): { value: unknown; diagnostics: string[] } {
  const diags = new Diagnostics();
  const source = parseYamlSource('p.yaml', text, diags, () => undefined);
  return { value: source?.value, diagnostics: diags.sorted().map(formatDiagnostic) };
}

describe('aliases', () => {
  it('resolves ordinary anchors and aliases', () => {
    const r = parse('retry: &retry { maxDeliver: 5 }\na: *retry\nb: *retry\nc: [*retry, *retry]\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ retry: { maxDeliver: 5 }, a: { maxDeliver: 5 }, b: { maxDeliver: 5 }, c: [{ maxDeliver: 5 }, { maxDeliver: 5 }] });
  });

  it('reports an alias bomb at the alias that crosses the limit, without throwing', () => {
    const lines = ['x:', '  - &a [l, l, l, l, l, l, l, l, l, l]'];
    for (const [name, from] of [['b', 'a'], ['c', 'b'], ['d', 'c']]) lines.push(`  - &${name} [${Array(10).fill(`*${from}`).join(', ')}]`);
    // yaml counts *a as 11 (the anchor and its ten aliases), so each *b weighs 11 and the 9th one passes 100.
    const r = parse(lines.join('\n') + '\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toEqual([
      'p.yaml:4:41: YAML alias *b: aliases here would expand the file more than 100 times (counting aliases inside aliased values), which looks like an alias bomb; write the value out or use fewer aliases',
    ]);
  });
});

describe('duplicate keys', () => {
  it('are reported at the second key, in nested and flow maps, with a count of the others', () => {
    expect(parse('a: 1\nb:\n  c: 1\n  c: 2\n').diagnostics).toEqual(['p.yaml:4:3: YAML duplicate key: Map keys must be unique']);
    expect(parse('a: { x: 1, y: 2, x: 3 }\nb: [{ k: 1, k: 2 }]\n').diagnostics).toEqual([
      'p.yaml:1:18: YAML duplicate key: Map keys must be unique (and 1 more error(s) after it, probably caused by it)',
    ]);
  });

  it('compare scalar values as yaml does: 1 and "1" differ, the same text twice does not', () => {
    expect(parse('1: a\n"1": b\n').diagnostics).toEqual([]);
    expect(parse("'k': a\nk: b\n").diagnostics).toEqual(['p.yaml:2:1: YAML duplicate key: Map keys must be unique']);
  });

  it('are found, and every key located, in a map of 20,000 keys', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: v${i}`);
    const diags = new Diagnostics();
    const source = parseYamlSource('p.yaml', keys.join('\n') + '\n', diags, () => undefined);
    expect(source?.locate(['k19999'], 'key')).toEqual({ line: 20_000, col: 1 });
    expect(source?.locateInScalar(['k19999'], 2)).toEqual({ line: 20_000, col: 11 });
    expect(parse([...keys, 'k0: again'].join('\n') + '\n').diagnostics).toEqual(['p.yaml:20001:1: YAML duplicate key: Map keys must be unique']);
  });
});
