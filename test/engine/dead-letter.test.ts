import { describe, expect, it } from 'vitest';
import { deadLetter, replayOf } from '../../runtime/engine/dead-letter.ts';
import { forgetSecrets, rememberSecret } from '../../runtime/config/redact.ts';

const meta = { pipeline: 'p', subject: 'channel.x', stream: 'CHANNELS', streamSeq: 9, deliveryCount: 3, receivedAt: 0, key: 'CHANNELS:9' };

describe('dead letters', () => {
  it('keep the original bytes and headers and add the failure, in one line', () => {
    const data = new TextEncoder().encode('{"a":1}');
    const dl = deadLetter('dlq.p', 'p', meta, { data, headers: { 'X-Partner': 'acme', 'Nats-Msg-Id': 'up-1' } }, 'corr', { permanent: true, stepIndex: 2, step: 'validate s.json', reason: 'bad\nthing', field: '/a' }, 'permanent', new Date('2026-01-02T03:04:05Z'));
    expect(dl.data).toBe(data);
    expect(dl.msgId).toBe('dlq:p:CHANNELS:9');
    expect(dl.headers).toEqual({
      'X-Partner': 'acme',
      'Crossdock-Source-Msg-Id': 'up-1',
      'X-Correlation-Id': 'corr',
      'Crossdock-Pipeline': 'p',
      'Crossdock-Step': '2: validate s.json',
      'Crossdock-Reason': 'bad thing',
      'Crossdock-Field': '/a',
      'Crossdock-Failure': 'permanent',
      'Crossdock-Deliveries': '3',
      'Crossdock-Failed-At': '2026-01-02T03:04:05.000Z',
      'Crossdock-Source-Subject': 'channel.x',
      'Crossdock-Source-Stream': 'CHANNELS',
      'Crossdock-Source-Seq': '9',
    });
  });

  it('redacts credentials and environment values in the reason, which anyone reading the stream sees', () => {
    rememberSecret('ERP_TOKEN', 'dl-canary-token-8');
    try {
      const reason = 'http erp: POST http://u:dl-canary-pass@erp/api?api_key=dl-canary-key answered 500: {"error":"Bearer dl-canary-token-8 refused"}';
      const dl = deadLetter('dlq.p', 'p', meta, { data: new Uint8Array(), headers: {} }, 'corr', { permanent: false, stepIndex: 1, step: 'http erp', reason }, 'exhausted');
      expect(dl.headers['Crossdock-Reason']).toBe('http erp: POST http://[redacted]@erp/api?api_key=[redacted] answered 500: {"error":"Bearer ${ERP_TOKEN} refused"}');
    } finally {
      forgetSecrets();
    }
  });

  it('replay restores subject and headers, with a fresh id and a note of where it came from', () => {
    const data = new TextEncoder().encode('{}');
    const dl = deadLetter('dlq.p', 'p', meta, { data, headers: { 'X-Partner': 'acme' } }, 'corr', { permanent: true, stepIndex: 1, step: 's', reason: 'r' }, 'permanent');
    const r = replayOf({ stream: 'DLQ', seq: 4, headers: { ...dl.headers, 'Nats-Msg-Id': dl.msgId }, data });
    expect(r).toEqual({ subject: 'channel.x', msgId: 'replay:DLQ:4', headers: { 'X-Partner': 'acme', 'X-Correlation-Id': 'corr', 'Crossdock-Replayed-From': 'DLQ:4' }, data });
    expect(replayOf({ stream: 'DLQ', seq: 5, headers: {}, data })).toBeUndefined();
  });
});
