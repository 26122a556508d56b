import { describe, expect, it } from 'vitest';
import { viewsFromEnv } from '../../runtime/runner/views.ts';

describe('viewsFromEnv', () => {
  it('folds every view by default and with all', () => {
    expect([...viewsFromEnv({})].sort()).toEqual(['audit', 'expectations', 'trace', 'workbench']);
    expect(viewsFromEnv({ CROSSDOCK_VIEWS: 'all' }).size).toBe(4);
  });

  it('folds none with none, and exactly the listed ones with a list', () => {
    expect(viewsFromEnv({ CROSSDOCK_VIEWS: 'none' }).size).toBe(0);
    expect([...viewsFromEnv({ CROSSDOCK_VIEWS: ' trace, workbench ' })].sort()).toEqual(['trace', 'workbench']);
  });

  it('still honours CROSSDOCK_TRACE_INDEX=off', () => {
    expect(viewsFromEnv({ CROSSDOCK_TRACE_INDEX: 'off' }).has('trace')).toBe(false);
    expect(viewsFromEnv({ CROSSDOCK_VIEWS: 'trace,audit', CROSSDOCK_TRACE_INDEX: 'off' }).has('trace')).toBe(false);
  });

  it('refuses a name that is not a view, naming it and the choices', () => {
    expect(() => viewsFromEnv({ CROSSDOCK_VIEWS: 'trace,audits' })).toThrow(/CROSSDOCK_VIEWS: 'audits' is not a view \(all, none, or a comma list of trace, audit, expectations, workbench\)/);
  });
});
