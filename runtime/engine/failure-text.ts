/**
 * A failure for people: the step, then why. Output failures already name their output in the
 * reason (it stands alone in logs and dead-letter headers), so it is not said twice.
 */
export function failureText(step: string, reason: string): string {
  return reason.startsWith(`${step}: `) ? reason : `${step}: ${reason}`;
}
