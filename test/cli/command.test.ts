/** Argument parsing shared by every command: lists given to a repeatable option (issue 12). */
import { describe, expect, it } from 'vitest';
import { helpText, list, parse } from '../../runtime/cli/command.ts';
import { runCommand } from '../../runtime/cli/commands/run.ts';
import { graphCommand } from '../../runtime/cli/commands/graph.ts';

describe('--only', () => {
  it('takes names repeated or comma-separated', () => {
    expect(list(parse(runCommand, ['--only', 'a,b', '--only', 'c']), 'only')).toEqual(['a', 'b', 'c']);
  });

  it('space-separated names are refused with how to write the list', () => {
    expect(() => parse(runCommand, ['--only', 'a', 'b'])).toThrow(
      "unexpected argument 'b': --only takes one value; repeat --only or comma-separate (--only a,b)",
    );
    expect(() => parse(graphCommand, ['--only=a', 'b'])).toThrow('repeat --only or comma-separate (--only a,b)');
  });

  it('an extra argument not after a list option gets no list hint', () => {
    expect(() => parse(runCommand, ['stray'])).toThrow(/^unexpected argument 'stray'$/);
  });

  it('help does not read as space-separated', () => {
    for (const spec of [runCommand, graphCommand]) {
      const help = helpText(spec);
      expect(help).not.toContain('--only NAME…');
      expect(help).toContain('--only NAME[,NAME…]');
      expect(help).toContain('repeat --only or comma-separate (--only a,b), not --only a b');
    }
  });
});
