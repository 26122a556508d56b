/**
 * What happens to a transaction set once its envelope is complete: element syntax checks on
 * every segment, then the typed reading for the sets we know. Any problem here rejects the set
 * (997 AK5 R with code 5 and AK3/AK4 detail) and withholds its typed document: a pipeline never
 * gets an order whose product IDs or quantities we could not read as the sender meant them.
 */
import { problem, type ErrorContext, type X12Error } from './errors.ts';
import { readWithSchema, type Json } from './schema.ts';
import type { SetIssue } from './sets/module.ts';
import { setModule, type TypedDocument } from './sets/index.ts';
import { checkSegmentSyntax } from './syntax-rules.ts';
import type { Segment } from './segments.ts';

const TAG = /^[A-Z][A-Z0-9]{1,2}$/;

export interface SetContent {
  document?: TypedDocument;
  unmapped?: Array<{ tag: string; position: number; index: number }>;
  errors: X12Error[];
}

function issueToError(issue: SetIssue, context: ErrorContext): X12Error {
  const { segment } = issue;
  return problem(
    {
      code: issue.code,
      level: 'transaction',
      text: issue.text,
      segment: {
        tag: segment.tag,
        position: segment.position,
        ...(segment.index !== undefined ? { indexInSet: segment.index } : {}),
        ...(issue.element !== undefined ? { element: issue.element } : {}),
        ...(issue.component !== undefined ? { component: issue.component } : {}),
      },
      ack: { ak5: '5', ...(issue.ak3 !== undefined ? { ak3: issue.ak3 } : {}), ...(issue.ak4 !== undefined ? { ak4: issue.ak4 } : {}) },
    },
    context,
  );
}

/** `segments` runs from ST to SE inclusive and has passed the envelope checks. */
export function readSetContent(type: string, segments: readonly Segment[], context: ErrorContext): SetContent {
  const body = segments.slice(1, -1);
  const issues: SetIssue[] = [];
  for (const segment of body) {
    if (!TAG.test(segment.tag)) {
      issues.push({ segment, code: 'segment-invalid', ak3: '1', text: `${JSON.stringify(segment.tag)} is not a valid segment ID` });
      continue;
    }
    for (const e of checkSegmentSyntax(segment)) {
      issues.push({ segment, element: e.element, code: e.ak4 === '1' ? 'mandatory-element-missing' : 'syntax-rule', ak3: '8', ak4: e.ak4, text: e.text });
    }
  }
  const module = setModule(type);
  if (!module) return { errors: issues.map((i) => issueToError(i, context)) };

  const st = segments[0] as Segment;
  if (!body.some((s) => s.tag === module.beginning)) {
    const missing = problem(
      {
        code: 'mandatory-segment-missing',
        level: 'transaction',
        text: `transaction set ${type} ${st.elements[1] as string} has no ${module.beginning} segment, which it must have`,
        segment: { tag: st.tag, position: st.position, indexInSet: 1 },
        ack: { ak5: '5', ak3: '3', missingSegment: module.beginning },
      },
      context,
    );
    return { errors: [...issues.map((i) => issueToError(i, context)), missing] };
  }

  const read = readWithSchema(module.schema, body);
  for (const f of read.issues) {
    issues.push({ segment: f.segment, element: f.element, ...(f.component !== undefined ? { component: f.component } : {}), code: f.code, ak3: '8', ak4: f.ak4, text: f.text });
  }
  module.finish?.(read.value, issues, body);
  const errors = issues.map((i) => issueToError(i, context));
  const unmapped = read.unmapped.map((s) => ({ tag: s.tag, position: s.position, index: s.index ?? 0 }));
  const content: SetContent = { errors };
  if (unmapped.length > 0) content.unmapped = unmapped;
  if (errors.length === 0) content.document = { type: module.type, ...(read.value as Json) } as unknown as TypedDocument;
  return content;
}
