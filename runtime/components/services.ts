/**
 * Long-lived services a step may use at run time (the compiled pipeline stays pure; a step
 * that needs a service asks for it in `start`). The runner provides them; fixture tests
 * provide offline stand-ins.
 */
import type { Availability } from '../availability/api.ts';

export interface RuntimeServices {
  /** The availability (ATP) service, when the runner runs it. */
  readonly availability?: Availability;
}
