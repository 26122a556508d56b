import { writeFileSync } from 'node:fs';
import type { CommandSpec } from '../command.ts';
import { CommandError, commonOptions, list, str } from '../command.ts';
import { loadProject } from '../../compile/project.ts';
import { formatDiagnostic } from '../../config/diagnostics.ts';
import { runFixtures } from '../../lint/fixture-runs.ts';
import { buildFlow } from '../../graph/flow.ts';
import { buildGraph } from '../../graph/graph.ts';
import { renderMermaid } from '../../graph/mermaid.ts';
import { renderHtml, renderSvg } from '../../graph/svg.ts';
import { layoutGraph } from '../../graph/layout.ts';

const FORMATS = ['mermaid', 'markdown', 'svg', 'html', 'json'] as const;

export const graphCommand: CommandSpec = {
  name: 'graph',
  summary: 'Draw the flow: systems, subjects and streams, pipelines, dead letters',
  usage: 'crossdock graph [--format mermaid|markdown|svg|html|json] [--only NAME[,NAME…]] [--out FILE] [--pipelines DIR]',
  details: [
    'Partners and edges, streams and their subjects, pipelines, outputs, dead-letter and exception',
    'subjects, the availability view and the outside systems of the streams file\'s external: section.',
    'Subjects come from the output expressions where they are literal-ish, and from the fixture runs.',
    '',
    'mermaid: a Mermaid flowchart (GitHub and GitLab render it); markdown: the same in a ```mermaid',
    'fence; svg: a standalone picture laid out by ELK (layered, left to right, its layers wrapped into',
    'rows when wider than 1,440 px); html: a self-contained page (no network) with the picture and',
    'the Mermaid source; json: the nodes and edges. --only keeps the named pipelines, what they read',
    'and write, and who is on the other side of those subjects.',
  ].join('\n'),
  options: {
    format: { type: 'string', value: 'FORMAT', description: 'mermaid, markdown, svg, html or json', default: 'mermaid' },
    only: { type: 'string', multiple: true, value: 'NAME', description: 'Only these pipelines and their neighbours: repeat --only or comma-separate (--only a,b), not --only a b' },
    out: { type: 'string', value: 'FILE', description: 'Write to a file instead of standard output' },
    pipelines: commonOptions.pipelines,
  },
  async run(args) {
    const format = str(args, 'format') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new CommandError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
    const project = loadProject(str(args, 'pipelines') as string);
    const errors = project.diagnostics.sorted().filter((d) => d.severity === 'error');
    for (const d of errors) process.stderr.write(formatDiagnostic(d) + '\n');
    const only = list(args, 'only');
    const unknown = only.filter((n) => !project.pipelines.some((p) => p.name === n));
    if (unknown.length > 0) throw new CommandError(`no compiled pipeline named ${unknown.map((n) => `'${n}'`).join(', ')} (known: ${project.pipelines.map((p) => p.name).sort().join(', ')})`);
    const flow = buildFlow(project, await runFixtures(project));
    const graph = buildGraph(flow, project.streams, { only });
    const title = only.length > 0 ? `Crossdock flow: ${only.join(', ')}` : 'Crossdock flow';
    const mermaid = renderMermaid(graph);
    const text =
      format === 'mermaid' ? mermaid
      : format === 'markdown' ? '```mermaid\n' + mermaid + '```\n'
      : format === 'svg' ? renderSvg(await layoutGraph(graph), title)
      : format === 'html' ? renderHtml(await layoutGraph(graph), mermaid, title)
      : JSON.stringify(graph, null, 2) + '\n';
    const out = str(args, 'out');
    if (out) {
      writeFileSync(out, text);
      process.stderr.write(`wrote ${out} (${graph.nodes.length} nodes, ${graph.edges.length} edges)\n`);
    } else {
      process.stdout.write(text);
    }
    if (errors.length > 0) {
      process.stderr.write(`${errors.length} error(s): the graph shows only what compiled (run crossdock lint)\n`);
      return 1;
    }
    return 0;
  },
};
