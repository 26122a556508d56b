/**
 * The layers of runtime/, lowest first: a folder imports only folders listed before it (type
 * imports too). Declared once here; dependencies.test.ts checks the sources against it, and the
 * README's "Project layout" repeats it (checked by the same test).
 */
export const LAYERS: readonly string[] = [
  'config',
  'observability',
  'http',
  'expressions',
  'edi',
  'availability',
  'components',
  'compile',
  'transport',
  'engine',
  'edges',
  'operations',
  'graph',
  'console',
  'fixture-tests',
  'runner',
  'lint',
  'review',
  'demo',
  'docs',
  'cli',
];
