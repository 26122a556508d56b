/**
 * Small helpers shared by components: keeping the synchronous path synchronous when an
 * expression is compiled, and JSONata's own notion of truth.
 */
import { isPromiseLike } from '../expressions/jsonata.ts';

/** (Not named `then`: a module exporting `then` is a thenable and breaks dynamic import.)
 * Applies `fn` to a value that may or may not be a promise, without adding a tick when it is not. */
export function andThen<T, R>(value: T | PromiseLike<T>, fn: (v: T) => R | PromiseLike<R>): R | Promise<R> | PromiseLike<R> {
  if (isPromiseLike(value)) return Promise.resolve(value).then(fn);
  return fn(value as T);
}

/** JSONata's boolean cast ($boolean), used for filter predicates and route conditions. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    if (value.length === 1) return truthy(value[0]);
    return value.some(truthy);
  }
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'object':
      return Object.keys(value).length > 0;
    default:
      return false;
  }
}

/** Header values are strings on the wire; JSONata results are turned into them here. */
export function headerValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
