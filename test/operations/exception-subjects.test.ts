import { describe, expect, it } from 'vitest';
import { exceptionSubject, parseExceptionSubject } from '../../runtime/operations/exception-subjects.ts';

describe('exception subjects', () => {
  it('spell and read exceptions.<type>.<partner>', () => {
    expect(exceptionSubject('late-ack', 'acme')).toBe('exceptions.late-ack.acme');
    expect(parseExceptionSubject('exceptions.late-ack.acme')).toEqual({ type: 'late-ack', partner: 'acme' });
  });
  it('refuse tokens that would change the subject, and other subjects', () => {
    expect(() => exceptionSubject('late.ack', 'acme')).toThrow(/type 'late.ack'/);
    expect(() => exceptionSubject('late-ack', '*')).toThrow(/partner '\*'/);
    expect(parseExceptionSubject('dlq.shopify-orders')).toBeUndefined();
    expect(parseExceptionSubject('exceptions.late-ack.acme.extra')).toBeUndefined();
  });
});
