/**
 * `${VAR}` references in YAML: per-environment values and secrets come from the environment
 * at load time, so the files in git hold none. `${VAR:-default}` gives a default; `$${` is a
 * literal `${`. Every value taken from the environment is remembered by `redact.ts`, so
 * anything printed later shows `${NAME}` instead of it.
 */
import { rememberSecret } from './redact.ts';

export type EnvLookup = (name: string) => string | undefined;

export interface Substitution {
  readonly value: string;
  /** True when the text contained a reference or an escape. */
  readonly changed: boolean;
  /** True when at least one environment value was used. */
  readonly referenced: boolean;
  /** True when the whole text was one reference. */
  readonly whole: boolean;
  readonly missing: readonly { readonly name: string; readonly offset: number }[];
}

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function substituteEnv(text: string, env: EnvLookup): Substitution {
  const missing: { name: string; offset: number }[] = [];
  let changed = false;
  let referenced = false;
  let whole = false;
  const value = text.replace(REF, (match: string, name: string | undefined, fallback: string | undefined, offset: number) => {
    changed = true;
    if (match === '$${') return '${';
    if (name === undefined) return match;
    whole = match.length === text.length;
    const v = env(name);
    if (v !== undefined && v !== '') {
      referenced = true;
      rememberSecret(name, v);
      return v;
    }
    if (fallback !== undefined) return fallback;
    missing.push({ name, offset });
    return '';
  });
  return { value, changed, referenced, whole, missing };
}

export const processEnv: EnvLookup = (name) => process.env[name];
