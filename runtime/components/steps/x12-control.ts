/**
 * X12 control numbers from the message being handled: the interchange and group numbers are
 * the input's sequence (kept to nine digits), transaction sets count from 1 in each group. A
 * redelivered message therefore writes the same envelope, which the output's message id
 * deduplicates; two messages never share an interchange number within a billion of each other.
 */
import type { ControlNumberSource } from '../../edi/x12/index.ts';

export function controlNumbersFrom(seq: number): () => ControlNumberSource {
  const base = (Math.abs(Math.trunc(seq)) % 999_999_999) + 1;
  return () => {
    let transaction = 0;
    return (kind) => {
      if (kind === 'transaction') return ++transaction;
      if (kind === 'group') transaction = 0;
      return base;
    };
  };
}
