/** `atp rebuild` and `trace rebuild` find NATS the same way, and refuse the same way. */
import { expect, it } from 'vitest';
import { writeRuntimeInfo } from '../../runtime/runner/runtime-file.ts';
import { tempDir } from '../support/nats.ts';
import { runCli } from '../support/runner-process.ts';

const env = { NATS_URL: '' };

it('refuses to rebuild a view while a runner uses the data folder', async () => {
  const data = tempDir('rebuild-busy');
  writeRuntimeInfo(data, { pid: process.pid, natsUrl: 'nats://127.0.0.1:1', embedded: true, startedAt: new Date().toISOString() });
  for (const [cmd, view] of [['atp', 'availability view'], ['trace', 'trace index']] as const) {
    const r = await runCli([cmd, 'rebuild', '--data', data], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`a runner (pid ${process.pid}) is using ${data}: stop it before rebuilding its ${view}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }
});

it('says where it looked when there is no NATS server to read from', async () => {
  const data = tempDir('rebuild-none');
  for (const cmd of ['atp', 'trace']) {
    const r = await runCli([cmd, 'rebuild', '--data', data], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no NATS server to read from: pass --nats URL, set NATS_URL, or run in the folder whose ${data}/nats holds the embedded server's streams`);
  }
});
