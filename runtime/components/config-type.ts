/**
 * A component's configuration type, derived from its JSON Schema so each shape is written once.
 * The schema is the source: the compiler validates configuration with it, and the reference,
 * the pipeline schema, editor hovers and lint are generated from it. Only the TypeScript type is
 * computed from it, by json-schema-to-ts at compile time (a type-only import: nothing of it is
 * loaded at run time).
 *
 * What the type cannot say: a `pattern` (a duration, a size, a header name) is only `string`,
 * and `minLength`, `minimum`, `minItems`, `propertyNames` and `format` are not expressed. The
 * schema still enforces them before a spec's `compile` sees the configuration.
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * Defaulted properties stay optional because the compiler validates configuration without
 * filling defaults in: a spec applies its own (`config.method ?? 'POST'`). The result is
 * read-only because it is the user's parsed YAML, which lint and the graph read after compile.
 */
export type ConfigOf<S extends JSONSchema> = ReadonlyDeep<FromSchema<S, { keepDefaultedPropertiesOptional: true }>>;

type ReadonlyDeep<T> = T extends readonly (infer E)[] ? readonly ReadonlyDeep<E>[] : T extends object ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> } : T;
