/**
 * Outputs are `name: { kind: {...} }`. A common slip is writing the kind level with the name:
 *
 *   outputs:
 *     erp:
 *     jetstream: { ... }
 *
 * The schema then sees two outputs, `erp` (empty) and `jetstream` (with too many keys), and its
 * two messages name neither the mistake nor the fix. This check recognises the shape first and
 * says it in user terms; the schema's own messages about these paths are then left out.
 */
import type { Diagnostics } from '../config/diagnostics.ts';
import type { YamlSource } from '../config/yaml-source.ts';

/** Reports misplaced or missing output kinds; returns the dotted paths it has explained. */
export function checkOutputSlots(source: YamlSource, outputKinds: readonly string[], diags: Diagnostics): Set<string> {
  const explained = new Set<string>();
  const doc = source.value;
  if (!isObject(doc) || !isObject(doc.outputs)) return explained;
  const entries = Object.entries(doc.outputs);
  entries.forEach(([name, value], i) => {
    if (value !== null) return;
    const at = source.locate(['outputs', name], 'key');
    const [nextName, nextValue] = entries[i + 1] ?? [];
    explained.add(`outputs.${name}`);
    if (nextName !== undefined && outputKinds.includes(nextName) && isObject(nextValue)) {
      explained.add(`outputs.${nextName}`);
      diags.error(source.file, at, 'schema',
        `pipeline: output '${name}' has no kind: '${nextName}:' is written level with '${name}:', so it reads as a second output; ` +
          `an output needs its kind under it — indent '${nextName}:' and its options one level under '${name}:' (${name}: { ${nextName}: {...} })`);
      return;
    }
    diags.error(source.file, at, 'schema',
      `pipeline: output '${name}' has no kind: an output needs its kind under it, e.g. ${name}: { ${outputKinds[0] ?? 'jetstream'}: {...} } (kinds: ${outputKinds.join(', ')})`);
  });
  return explained;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
