/**
 * Everything generated code can reach: passed to each compiled program as its only link to
 * the outside (the program text refers to these as `$name`).
 */
import { Regex } from '../lib/regex.ts';
import { JErr, atOperator } from './errors.ts';
import { Lambda, Thunk, apply, callAt, callBuiltin, callBuiltin1, callLambda, lambdaFailed, tailCallee, tailCallsAt, tailEscape, wrapArg } from './functions.ts';
import { arithAt, compareAt, concatAt, equals, includes, negate, rangeAt } from './operators.ts';
import { Chain, HOLE, partial } from './partial.ts';
import { filterIndex, filterTimes, group, groupData, namePathGeneral, sortSeq } from './path.ts';
import { createSeq, descendants, lookup, markCons, norm, normKeep, ownField, pushItems, seqOf, wildcard } from './sequence.ts';
import { brokenSignature } from './signature.ts';
import { Transform } from './transform.ts';
import { checkClock, depthExceeded } from './state.ts';
import { groupTuples, sortTuples, sortedToTuples, tupleFilter, tupleFilterIndex, tupleSeq, tupleValues, tuplesOf } from './tuples.ts';
import { JFunction, codePointCount, deepEqual, isFunction, truthy } from './values.ts';

/** Marks a frame variable not bound yet. */
export const UNBOUND: unique symbol = Symbol('unbound');

export const runtime: Readonly<Record<string, unknown>> = Object.freeze({
  UNBOUND,
  depthExceeded,
  checkClock,
  lookup,
  wildcard,
  descendants,
  Regex,
  negate,
  truthy,
  atOperator,
  arithAt,
  compareAt,
  concatAt,
  rangeAt,
  equals,
  deepEqual,
  includes,
  norm,
  normKeep,
  seqOf,
  pushItems,
  createSeq,
  markCons,
  filterIndex,
  filterTimes,
  sortSeq,
  group,
  groupData,
  namePathGeneral,
  tupleSeq,
  tuplesOf,
  tupleFilter,
  tupleFilterIndex,
  sortTuples,
  sortedToTuples,
  tupleValues,
  groupTuples,
  JErr,
  wrapArg,
  callAt,
  callLambda,
  lambdaFailed,
  tailCallsAt,
  callBuiltin,
  callBuiltin1,
  apply,
  Lambda,
  Thunk,
  tailEscape,
  tailCallee,
  HOLE,
  partial,
  Chain,
  isFunction,
  codePointCount,
  JFunction,
  hasOwn: Object.prototype.hasOwnProperty,
  ObjectPrototype: Object.prototype,
  ownField,
  propertyIsEnumerable: Object.prototype.propertyIsEnumerable,
  brokenSignature,
  Transform,
});
