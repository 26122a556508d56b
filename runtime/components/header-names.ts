/** Header names the runner reads and writes (outputs set them, the engine and dead letters read them). Partners and tools see these on the wire. */
export const CORRELATION_ID = 'X-Correlation-Id';
export const MSG_ID = 'Nats-Msg-Id';

/** Written on dead letters, so a person (and `dlq replay`) can tell what happened where. */
export const DLQ = {
  pipeline: 'Crossdock-Pipeline',
  step: 'Crossdock-Step',
  reason: 'Crossdock-Reason',
  field: 'Crossdock-Field',
  kind: 'Crossdock-Failure',
  deliveries: 'Crossdock-Deliveries',
  failedAt: 'Crossdock-Failed-At',
  sourceSubject: 'Crossdock-Source-Subject',
  sourceStream: 'Crossdock-Source-Stream',
  sourceSeq: 'Crossdock-Source-Seq',
  sourceMsgId: 'Crossdock-Source-Msg-Id',
} as const;

/**
 * On every output: the pipeline that published it (the same name dead letters carry), so the
 * trace index can say which pipeline made each hop.
 */
export const PRODUCED_BY = DLQ.pipeline;

export const REPLAYED_FROM = 'Crossdock-Replayed-From';

/**
 * On every output: the inbound message this one was made from (`STREAM:SEQ`, or the partner's
 * delivery id), which links the hops of a journey in the trace index. On outputs that report
 * business duplicates it also decides: when the stream already holds the output's id, the
 * stored copy's source tells our own earlier attempt (same source: a redelivery, whatever its
 * delivery count says after a failover) from a second copy of the document.
 */
export const SOURCE_KEY = 'Crossdock-Source-Key';

/**
 * On outputs whose body carries business keys (the fields marked `x-crossdock-trace-key` in
 * the canonical schemas): a JSON object of them, e.g. {"orderNumber":"#1001"}. Written from the
 * body the output already holds, so the trace index need not parse the body again; an output
 * whose body became text (an X12 interchange) names the keys of the message it was made from.
 */
export const TRACE_KEYS = 'Crossdock-Trace-Keys';

/** On a business duplicate: where the stream holds the original (`STREAM:SEQ`). */
export const DUPLICATE_OF = 'Crossdock-Duplicate-Of';

/** Headers that describe a failure, removed when a dead letter is replayed. */
export const DLQ_HEADER_NAMES: readonly string[] = Object.values(DLQ);

/**
 * On business exceptions (`exceptions.<type>.<partner>`): what the workbench filters by and
 * shows. The subject already names type and partner; these carry the rest. Keys is a JSON
 * object of the document's business keys (e.g. {"poNumber":"4500012345"}).
 */
export const EXCEPTION = {
  channel: 'Crossdock-Channel',
  warehouse: 'Crossdock-Warehouse',
  documentType: 'Crossdock-Document-Type',
  keys: 'Crossdock-Keys',
  /** ISO time by which the expected document should have arrived (expectations). */
  deadline: 'Crossdock-Deadline',
  /** What raised it: `expectation:<name>` or `pipeline:<name>`. */
  raisedBy: 'Crossdock-Raised-By',
} as const;
