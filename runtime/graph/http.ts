/**
 * GET /v1/graph — the project's flow graph, for viewers (the console draws live rates over
 * it): `?format=svg` (the default) the picture, `?format=json` the layout it is drawn from
 * (boxes with x, y, w, h; edges with their points). Laid out once, on the first request, in a
 * low-priority thread; every later request gets the same bytes.
 */
import type { HttpServer } from '../http/server.ts';
import { sendJson, sendJsonText, sendText } from '../http/server.ts';
import type { Access } from '../http/access.ts';
import type { Project } from '../compile/project.ts';
import { buildFlow } from './flow.ts';
import { buildGraph } from './graph.ts';
import { layoutGraph } from './layout.ts';
import { renderSvg } from './svg.ts';

const FORMATS = ['svg', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The layout thread's priority: the graph can wait, messages cannot. */
const LAYOUT_NICE = 19;

export interface DrawnGraph {
  readonly svg: string;
  /** The layout as JSON text. */
  readonly json: string;
}

/**
 * The graph of what the project declares. Fixture runs, which `crossdock graph` adds, are the
 * test tooling's business and not run by a runner; on the shipped project they add nothing.
 */
export async function drawProject(project: Project, options: { nice?: number } = {}): Promise<DrawnGraph> {
  const layout = await layoutGraph(buildGraph(buildFlow(project), project.streams), options);
  return { svg: renderSvg(layout), json: JSON.stringify(layout) };
}

export function registerGraphRoutes(http: HttpServer, access: Access, project: Project): void {
  let drawn: Promise<DrawnGraph> | undefined;
  const draw = (): Promise<DrawnGraph> => {
    if (!drawn) {
      const p = drawProject(project, { nice: LAYOUT_NICE });
      // A failure is answered (500, logged by the server) and the next request tries again.
      p.catch(() => (drawn = undefined));
      drawn = p;
    }
    return drawn;
  };
  http.route('GET', '/v1/graph', async (req, res) => {
    if (!access.require(req, res, 'viewer')) return;
    const asked = new URL(req.url ?? '/', 'http://runner').searchParams.get('format') ?? 'svg';
    if (!FORMATS.includes(asked as Format)) {
      sendJson(res, 400, { error: `format: give ${FORMATS.join(' or ')}, not '${asked}'`, field: 'format' });
      return;
    }
    const g = await draw();
    if (asked === 'json') sendJsonText(res, 200, g.json);
    else sendText(res, 200, g.svg, 'image/svg+xml; charset=utf-8');
  });
}
