/**
 * Segments and their elements as the tokenizer reads them: the bottom of the X12 module, which
 * the set schemas and the typed documents build on (types.ts imports the sets, so these cannot
 * live there without a cycle).
 */

/** A data element: a plain string, or its components when it is a composite. */
export type Element = string | string[];

export interface Delimiters {
  /** Data element separator (ISA, 4th character). */
  element: string;
  /** Component element separator (ISA16). */
  component: string;
  /** Segment terminator: the character right after ISA16. */
  segment: string;
  /** Repetition separator (ISA11) from version 00402 on; absent for 4010 ('U' there is a code). */
  repetition?: string;
}

export interface Segment {
  tag: string;
  /** `elements[0]` is element 01 (e.g. BEG01); composites are string arrays. */
  elements: Element[];
  /** Ordinal of the segment in the file, counting from 1. */
  position: number;
  /** Ordinal inside its transaction set, ST = 1 (what AK302 reports); absent outside sets. */
  index?: number;
}
