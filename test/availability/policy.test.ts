/** The availability policy: mistakes reported at file:line:col, and what it compiles to. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProject } from '../../runtime/compile/project.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { REPO, tempProject } from '../support/project.ts';
import { POLICY, policyErrors, policyOf } from './helpers.ts';

describe('availability policy', () => {
  it('compiles channel pools per region, with ring-fences and allocation order', () => {
    const p = policyOf(POLICY);
    const web = p.channelByName.get('web')!;
    expect(web.fallback.locations).toEqual(['A', 'B']);
    expect(web.byRegion.get('EU')!.locations).toEqual(['C']);
    expect(web.fallback.fences).toEqual([{ channel: 'b2b', rule: { units: 5 }, shared: ['A'], sharedIndex: [0] }]);
    expect(web.fallback.allocationOrder).toEqual([1, 0]);
    expect([p.horizonDays, p.receivingLeadDays, p.locations.get('B')!.receivingLeadDays]).toEqual([10, 1, 0]);
  });

  it('names an undeclared location with a suggestion', () => {
    const yaml = POLICY.replace('locations: [B, A]', 'locations: [B, AA]');
    expect(policyErrors(yaml)).toEqual([
      "pipelines/availability.yaml:11:22: channel 'market' uses location 'AA', which is not declared under availability.locations (did you mean 'A'?)",
    ]);
  });

  it('checks shapes with positions: unknown keys, bad percentages, bad days', () => {
    const yaml = POLICY.replace('share: { percent: 50 }', 'share: { percent: 150 }').replace('horizon: 10d', 'horizon: 10 days').replace('cap: 40', 'cap: 40\n      capp: 3');
    expect(policyErrors(yaml)).toEqual([
      "pipelines/availability.yaml:2:23: availability policy: 'availability.inbound.horizon' must match ^\\d+d$",
      "pipelines/availability.yaml:12:25: availability policy: 'availability.channels.market.share.percent' must be <= 100",
      "pipelines/availability.yaml:14:7: availability policy: unknown property 'capp' (did you mean 'cap'?)",
    ]);
  });

  it('is found by the project loader, which checks the streams it needs', () => {
    const project = tempProject({
      'pipelines/availability.yaml': POLICY.replace('availability:\n', 'availability:\n  stream: STOCK\n'),
      'pipelines/streams.yaml': 'streams:\n  STOCK: { subjects: [inventory.position.>] }\n  DLQ: { subjects: [dlq.>] }\n',
    }, { copyMappings: false, copySchemas: false });
    const loaded = loadProject(join(project.root, 'pipelines'));
    const messages = loaded.diagnostics.sorted().map(formatDiagnostic).map((m) => m.replace(/^.*availability\.yaml/, 'availability.yaml'));
    expect(messages).toEqual([
      'availability.yaml:1:1: no stream captures availability.> for change events (declare one, or set changes.enabled: false)',
      'availability.yaml:2:11: stream STOCK must capture inventory.> (it captures inventory.position.>)',
    ]);
  });

  it('ships a policy the loader accepts', () => {
    const loaded = loadProject(join(REPO, 'pipelines'));
    expect(loaded.diagnostics.sorted().filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(loaded.availability?.channels.map((c) => c.name)).toEqual(['shopify', 'amazon', 'b2b-portal', 'edi-4405197800', 'edi-abcdefghijklmno']);
  });
});
