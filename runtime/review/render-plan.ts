/**
 * The plan as Markdown for a pull-request comment: the effects first (breaking, then what
 * needs a look), then what changed, field by field, then the fixture outputs that differ.
 * Long sections fold into <details> so the comment stays readable.
 */
import type { FieldChange } from './json-diff.ts';
import type { BehaviourReport, ChangedItem, Finding, PlanReport, Section } from './plan-types.ts';

const ICON = { breaking: '⛔', warning: '⚠️', info: 'ℹ️' } as const;

export function renderPlan(r: PlanReport): string {
  const out: string[] = [];
  out.push(`## Crossdock plan: \`${r.base}\` → ${r.head}`, '');
  out.push(summary(r), '');
  if (r.errors.head.length > 0) {
    out.push(`### ❗ The new revision does not compile`, '', 'Fix these first; the comparison below is incomplete.', '', '```', ...r.errors.head, '```', '');
  }
  if (r.errors.base.length > 0) {
    out.push(`<details><summary>The base revision had ${r.errors.base.length} error(s); what did not compile there is treated as absent</summary>`, '', '```', ...r.errors.base, '```', '</details>', '');
  }
  findings(out, r.findings, 'breaking', 'Breaking');
  findings(out, r.findings, 'warning', 'Needs a look');
  findings(out, r.findings, 'info', 'Good to know');
  section(out, 'Pipelines', r.pipelines);
  section(out, 'Consumers', r.consumers);
  section(out, 'Streams', r.streams);
  schemas(out, r);
  behaviour(out, r.behaviour);
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function summary(r: PlanReport): string {
  const count = (s: Finding['severity']): number => r.findings.filter((f) => f.severity === s).length;
  const parts: string[] = [];
  const breaking = count('breaking');
  parts.push(breaking > 0 ? `${ICON.breaking} **${breaking} breaking change${breaking === 1 ? '' : 's'}**` : '✅ **nothing breaking**');
  const warnings = count('warning');
  if (warnings > 0) parts.push(`${ICON.warning} ${warnings} to look at`);
  const p = r.pipelines;
  const touched = [p.added.length && `${p.added.length} added`, p.removed.length && `${p.removed.length} removed`, p.changed.length && `${p.changed.length} changed`].filter(Boolean);
  parts.push(touched.length > 0 ? `pipelines: ${touched.join(', ')}` : 'no pipeline changed');
  const changedFixtures = r.behaviour.filter((b) => b.status === 'changed').length;
  const ran = r.behaviour.length;
  if (ran > 0) parts.push(`${ran} fixture(s) compared, ${changedFixtures} with different outputs`);
  return parts.join(' · ');
}

function findings(out: string[], all: readonly Finding[], severity: Finding['severity'], title: string): void {
  const list = all.filter((f) => f.severity === severity);
  if (list.length === 0) return;
  out.push(`### ${ICON[severity]} ${title}`, '');
  for (const f of list) out.push(`- **${esc(f.title)}**  `, `  ${esc(f.detail)}`);
  out.push('');
}

function section(out: string[], title: string, s: Section): void {
  if (s.added.length + s.removed.length + s.changed.length === 0) return;
  out.push(`### ${title}`, '');
  out.push('| | name | what changed |', '|---|---|---|');
  for (const name of s.added) out.push(`| added | \`${name}\` | |`);
  for (const name of s.removed) out.push(`| removed | \`${name}\` | |`);
  for (const c of s.changed) out.push(`| changed | \`${c.name}\` | ${changedSummary(c)} |`);
  out.push('');
  for (const c of s.changed) {
    if (c.fields.length === 0) continue;
    out.push(`<details><summary><code>${c.name}</code>: ${c.fields.length} field(s)</summary>`, '', '| field | before | after |', '|---|---|---|');
    for (const f of c.fields) out.push(`| \`${f.path}\` | ${cell(f, 'before')} | ${cell(f, 'after')} |`);
    out.push('', '</details>', '');
  }
}

function changedSummary(c: ChangedItem): string {
  const parts: string[] = [];
  if (c.fields.length > 0) parts.push(c.fields.slice(0, 4).map((f) => `\`${f.path}\``).join(', ') + (c.fields.length > 4 ? `, and ${c.fields.length - 4} more` : ''));
  if (c.because.length > 0) parts.push(`changed files: ${c.because.map((f) => `\`${f}\``).join(', ')}`);
  return parts.join('; ');
}

function cell(f: FieldChange, side: 'before' | 'after'): string {
  if (!(side in f)) return '—';
  const v = f[side];
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  const short = text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return `\`${short.replace(/\|/g, '\\|').replace(/`/g, 'ˋ').replace(/\n/g, ' ')}\``;
}

function schemas(out: string[], r: PlanReport): void {
  if (r.schemas.length === 0) return;
  out.push('### Schemas', '', '| schema | field | change | |', '|---|---|---|---|');
  for (const s of r.schemas) {
    if (s.status === 'added') out.push(`| \`${s.file}\` | | added | |`);
    for (const c of s.changes) out.push(`| \`${s.file}\` | \`${c.path}\` | ${esc(c.message)} | ${c.breaking ? `${ICON.breaking} breaking` : 'compatible'} |`);
  }
  out.push('');
}

function behaviour(out: string[], list: readonly BehaviourReport[]): void {
  if (list.length === 0) return;
  out.push('### Behaviour: fixture outputs, before → after', '');
  const byPipeline = new Map<string, BehaviourReport[]>();
  for (const b of list) byPipeline.set(b.pipeline, [...(byPipeline.get(b.pipeline) ?? []), b]);
  for (const [pipeline, reports] of byPipeline) {
    const same = reports.filter((b) => b.status === 'same').length;
    out.push(`**\`${pipeline}\`**: ${reports.length} fixture(s), ${same} unchanged`, '');
    for (const b of reports) {
      if (b.status === 'same') continue;
      const mark = b.breaking ? ` ${ICON.breaking}` : '';
      out.push(`<details${b.breaking ? ' open' : ''}><summary>${b.status === 'new' ? 'new fixture' : b.status === 'removed' ? 'removed fixture' : 'changed'}: ${esc(b.test)}${mark}</summary>`, '');
      for (const n of b.notes) out.push(`- ${n.breaking ? `${ICON.breaking} ` : ''}${esc(n.text)}`);
      if (b.notes.length > 0) out.push('');
      if (b.diff.length > 0) out.push('```diff', ...b.diff, '```', '');
      if (b.outcome !== undefined) out.push('```json', JSON.stringify(b.outcome, null, 2), '```', '');
      out.push('</details>', '');
    }
  }
}

/** Keeps user text from opening HTML or tables in the comment. */
function esc(text: string): string {
  return text.replace(/</g, '&lt;').replace(/\|/g, '\\|');
}
