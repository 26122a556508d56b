/**
 * Business exceptions live on `exceptions.<type>.<partner>` (the EXCEPTIONS stream), apart
 * from technical dead letters on `dlq.>`. Everything that raises or reads them (expectations,
 * the workbench, KPIs) spells the subject through here.
 */
export const EXCEPTIONS_PREFIX = 'exceptions';

/** One subject token: no dots, wildcards or whitespace. */
const TOKEN = /^[^\s.*>]+$/;

export interface ExceptionSubject {
  /** e.g. `late-ack`, `duplicate-order`, `invalid-sku-mapping`. */
  readonly type: string;
  /** The partner, channel or warehouse the exception belongs to. */
  readonly partner: string;
}

/** `exceptions.<type>.<partner>`; throws naming the token that cannot be one. */
export function exceptionSubject(type: string, partner: string): string {
  if (!TOKEN.test(type)) throw new Error(`exception type '${type}' cannot be a subject token (no dots, wildcards or spaces)`);
  if (!TOKEN.test(partner)) throw new Error(`exception partner '${partner}' cannot be a subject token (no dots, wildcards or spaces)`);
  return `${EXCEPTIONS_PREFIX}.${type}.${partner}`;
}

/** The type and partner of an exception subject; undefined for any other subject. */
export function parseExceptionSubject(subject: string): ExceptionSubject | undefined {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== EXCEPTIONS_PREFIX) return undefined;
  const [, type, partner] = parts as [string, string, string];
  return TOKEN.test(type) && TOKEN.test(partner) ? { type, partner } : undefined;
}
