/**
 * The change-event thread's entry (availability/change-worker.ts): it connects with the
 * runner's own connection settings and acknowledgement subscription, which live above the
 * availability layer.
 */
import { runChangeThread } from '../availability/change-worker.ts';
import { connectNats } from '../transport/connection.ts';
import { publishAcksFor } from '../transport/publish-acks.ts';

runChangeThread({
  connect: (url, name, logger) => connectNats({ url, name, logger }),
  publisher: (nc) => publishAcksFor(nc).publish,
});
