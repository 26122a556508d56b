/** Two snapshots in, the whole plan out. Pure; the git and file work is in plan.ts. */
import { behaviourFindings, behaviourReports, schemaFindings, schemaReports } from './compare-behaviour.ts';
import { configFindings, consumerSection, pipelineSection, streamSection } from './compare-config.ts';
import type { Snapshot } from './snapshot.ts';
import type { Finding, PlanReport } from './plan-types.ts';

const ORDER: Record<Finding['severity'], number> = { breaking: 0, warning: 1, info: 2 };

export function comparePlans(base: Snapshot, head: Snapshot): PlanReport {
  const pipelines = pipelineSection(base, head);
  const schemas = schemaReports(base, head);
  const behaviour = behaviourReports(base, head, pipelines);
  const findings = [...configFindings(base, head), ...schemaFindings(schemas), ...behaviourFindings(behaviour)];
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    base: base.label,
    head: head.label,
    pipelines,
    streams: streamSection(base, head),
    consumers: consumerSection(base, head),
    findings,
    schemas,
    behaviour,
    errors: { base: base.errors, head: head.errors },
  };
}
