/**
 * The plan as Markdown for a pull-request comment: the effects first (breaking, then what
 * needs a look), then what changed, field by field, then the fixture outputs that differ.
 * Long sections fold into <details> so the comment stays readable.
 */
import type { FieldChange } from './json-diff.ts';
import type { BehaviourReport, ChangedItem, Finding, PlanReport, Section } from './plan-types.ts';
import { failureText } from '../engine/failure-text.ts';

const ICON = { breaking: '⛔', warning: '⚠️', info: 'ℹ️' } as const;

/** GitHub refuses comments over 65,536 characters; keep a margin for the CI's own lines. */
export const COMMENT_LIMIT = 60_000;

export function renderPlan(r: PlanReport, limit = COMMENT_LIMIT): string {
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
  behaviour(out, r.behaviour, limit - out.join('\n').length);
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
  const compared = r.behaviour.filter((b) => b.status === 'changed' || b.status === 'same').length;
  if (compared > 0) parts.push(`${compared} fixture(s) compared, ${changedFixtures} with different outputs`);
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

/**
 * Fixtures whose outputs changed show a JSON diff, breaking ones first; new fixtures show a
 * one-line outcome (their test file is in the pull request anyway). What does not fit in
 * `budget` characters is counted, not shown.
 */
function behaviour(out: string[], list: readonly BehaviourReport[], budget: number): void {
  if (list.length === 0) return;
  out.push('### Behaviour: fixture outputs, before → after', '');
  const byPipeline = new Map<string, BehaviourReport[]>();
  for (const b of list) byPipeline.set(b.pipeline, [...(byPipeline.get(b.pipeline) ?? []), b]);
  for (const [pipeline, reports] of byPipeline) {
    const count = (status: BehaviourReport['status']): number => reports.filter((b) => b.status === status).length;
    const parts = [count('same') && `${count('same')} unchanged`, count('changed') && `${count('changed')} with different outputs`, count('new') && `${count('new')} new`, count('removed') && `${count('removed')} removed`].filter(Boolean);
    out.push(`- **\`${pipeline}\`**: ${reports.length} fixture(s), ${parts.join(', ')}`);
  }
  out.push('');
  const order = (b: BehaviourReport): number => (b.breaking ? 0 : b.status === 'changed' ? 1 : b.status === 'removed' ? 2 : 3);
  const shown = list.filter((b) => b.status !== 'same').sort((a, b) => order(a) - order(b));
  let used = out.join('\n').length;
  let left = 0;
  for (const b of shown) {
    const block = behaviourBlock(b);
    if (used + block.join('\n').length > budget) {
      left++;
      continue;
    }
    used += block.join('\n').length;
    out.push(...block);
  }
  if (left > 0) out.push(`${left} more fixture(s) not shown, to keep this comment within GitHub's size limit: run \`crossdock plan\` locally, or \`--format json\`.`, '');
}

function behaviourBlock(b: BehaviourReport): string[] {
  const out: string[] = [];
  const title = `\`${b.pipeline}\` › ${esc(b.test)}`;
  if (b.status === 'new') return [`- new fixture ${title}: ${esc(outcomeLine(b.outcome))}`, ''];
  if (b.status === 'removed') return [`- removed fixture ${title}`, ''];
  out.push(`<details${b.breaking ? ' open' : ''}><summary>${b.breaking ? `${ICON.breaking} ` : ''}${title}</summary>`, '');
  for (const n of b.notes) out.push(`- ${n.breaking ? `${ICON.breaking} ` : ''}${esc(n.text)}`);
  if (b.notes.length > 0) out.push('');
  if (b.diff.length > 0) out.push('```diff', ...b.diff, '```', '');
  out.push('</details>', '');
  return out;
}

/** A new fixture's outcome in one line: where its messages go, or why it stops. */
function outcomeLine(outcome: unknown): string {
  const o = (outcome ?? {}) as { outputs?: { subject: string; id: string }[]; deadLetter?: { step: string; reason: string }; dropped?: { step: string }; notRun?: string };
  if (o.outputs) return o.outputs.length === 0 ? 'publishes nothing' : `publishes ${o.outputs.map((e) => `${e.subject} (id ${e.id})`).join(', ')}`;
  if (o.deadLetter) return `dead-lettered at ${failureText(o.deadLetter.step, o.deadLetter.reason)}`;
  if (o.dropped) return `dropped by ${o.dropped.step}`;
  return `not run: ${o.notRun ?? 'unknown'}`;
}

/** Keeps user text from opening HTML or tables in the comment. */
function esc(text: string): string {
  return text.replace(/</g, '&lt;').replace(/\|/g, '\\|');
}
