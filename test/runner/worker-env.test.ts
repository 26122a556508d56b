/** How many workers `crossdock run` starts by default. */
import { describe, expect, it } from 'vitest';
import { defaultWorkers } from '../../runtime/runner/worker-env.ts';

describe('defaultWorkers', () => {
  it('leaves a core to the embedded nats-server (two cores: one worker, no supervisor)', () => {
    expect(defaultWorkers(2, true)).toBe(1);
    expect(defaultWorkers(8, true)).toBe(7);
  });

  it('uses every core when the runner joins a NATS elsewhere', () => {
    expect(defaultWorkers(2, false)).toBe(2);
    expect(defaultWorkers(8, false)).toBe(8);
  });

  it('never starts fewer than one', () => {
    expect(defaultWorkers(1, true)).toBe(1);
    expect(defaultWorkers(1, false)).toBe(1);
  });
});
