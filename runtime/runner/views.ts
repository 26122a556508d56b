/**
 * Which operations views a runner folds beside its pipelines. Each view reads the streams again
 * and costs CPU per message; a scale-out runner whose views nobody queries, or a host too small
 * for them, turns them off. The pipelines do not depend on any view.
 *
 *   CROSSDOCK_VIEWS=all (default) | none | a comma list of: trace, audit, expectations, workbench
 *
 * `CROSSDOCK_TRACE_INDEX=off` (older, still honoured) takes `trace` out of the list.
 */
export type View = 'trace' | 'audit' | 'expectations' | 'workbench';
export const VIEWS: readonly View[] = ['trace', 'audit', 'expectations', 'workbench'];
export const VIEWS_ENV = 'CROSSDOCK_VIEWS';
export const TRACE_INDEX_ENV = 'CROSSDOCK_TRACE_INDEX';

/** The views named by the environment; a name that is not a view stops the start with its reason. */
export function viewsFromEnv(env: NodeJS.ProcessEnv = process.env): ReadonlySet<View> {
  const text = (env[VIEWS_ENV] ?? 'all').trim();
  const out = new Set<View>();
  if (text === '' || text === 'all') for (const v of VIEWS) out.add(v);
  else if (text !== 'none') {
    for (const raw of text.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      if (!(VIEWS as readonly string[]).includes(name)) throw new Error(`${VIEWS_ENV}: '${name}' is not a view (all, none, or a comma list of ${VIEWS.join(', ')})`);
      out.add(name as View);
    }
  }
  if (env[TRACE_INDEX_ENV] === 'off') out.delete('trace');
  return out;
}
