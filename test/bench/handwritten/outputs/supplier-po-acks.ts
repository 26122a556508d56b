/** mappings/outputs/supplier-po-acks.jsonata, by hand. */
import { type Bindings, type Json, str, sum } from '../common.ts';

const qty = (q: unknown, unit: unknown): string => str(q) + ' ' + str(unit);

/** What an acknowledgment code other than IQ changed (IQ: the quantity comparison says it). */
const changed = new Map([
  ['IP', 'price changed'],
  ['DR', 'date rescheduled'],
  ['IS', 'substituted'],
  ['IC', 'changed'],
]);

function item(l: Json): unknown {
  return l.sku ? l.sku : l.supplierPartNumber ? l.supplierPartNumber : l.gtin;
}

function differences(l: Json): string[] {
  const acks = (l.acknowledgments ?? []) as Json[];
  const kept = acks.filter((a) => a.disposition !== undefined && a.disposition !== 'rejected');
  const rejected = acks.filter((a) => a.disposition === 'rejected');
  const promised = sum(kept.map((a) => a.quantity as number | undefined));
  const unit = l.unit ? l.unit : acks[0]?.unit;
  const ordered = l.orderedQuantity;
  const out: string[] = [];
  if (kept.length === 0) {
    const codes: string[] = [];
    for (const a of acks) {
      const code = a.statusCode !== undefined ? a.statusCode : a.disposition;
      if (code !== undefined) codes.push(str(code));
    }
    out.push('rejected (' + codes.join(', ') + ')');
  }
  if (kept.length > 0 && ordered !== undefined && promised !== undefined && promised !== ordered) {
    out.push(qty(promised, unit) + ' instead of ' + qty(ordered, unit));
  }
  if (kept.length > 0 && rejected.length > 0) out.push(rejected.map((a) => qty(a.quantity, a.unit) + ' rejected').join(', '));
  for (const a of acks) {
    if (a.disposition === 'backordered') {
      out.push(qty(a.quantity, a.unit) + ' backordered' + (a.promisedDate ? ' to ' + str(a.promisedDate) : ''));
    }
  }
  for (const a of acks) {
    if (a.disposition === 'on-hold') {
      out.push(qty(a.quantity, a.unit) + ' on hold' + (a.statusCode ? ' (' + str(a.statusCode) + ')' : ''));
    }
  }
  for (const a of acks) {
    const code = a.statusCode as string | undefined;
    if (a.disposition !== 'changed' || code === 'IQ') continue;
    out.push(
      ((code !== undefined && changed.get(code)) || 'changed') +
        (code === 'DR' && a.promisedDate ? ' to ' + str(a.promisedDate) : '') +
        (code === 'IS' && a.substituteSku ? ' by ' + str(a.substituteSku) : '') +
        (code ? ' (' + code + ')' : ''),
    );
  }
  for (const a of acks) {
    if (a.unitPrice !== undefined && l.unitPrice !== undefined && a.unitPrice !== l.unitPrice) {
      out.push('price ' + str(a.unitPrice) + ' instead of ' + str(l.unitPrice));
    }
  }
  return out;
}

export default function supplierPoAckOutputs(body: unknown, _bindings: Bindings): unknown {
  const ack = body as Json;
  const ackLines = (ack.lines ?? []) as Json[];
  const lines: Json[] = [];
  for (const l of ackLines) {
    const d = differences(l);
    if (d.length === 0) continue;
    const line: Json = {};
    if (l.lineNumber !== undefined) line.lineNumber = l.lineNumber;
    if (l.sku !== undefined) line.sku = l.sku;
    if (l.supplierPartNumber !== undefined) line.supplierPartNumber = l.supplierPartNumber;
    if (l.gtin !== undefined) line.gtin = l.gtin;
    const ordered: Json = {};
    if (l.orderedQuantity !== undefined) ordered.quantity = l.orderedQuantity;
    if (l.unit !== undefined) ordered.unit = l.unit;
    if (l.unitPrice !== undefined) ordered.unitPrice = l.unitPrice;
    line.ordered = ordered;
    if (l.acknowledgments !== undefined) line.acknowledgments = l.acknowledgments;
    line.differences = d;
    lines.push(line);
  }
  const rejected = ack.ackType === 'rejected';
  const out: Json = { erp: ack };
  if (rejected || lines.length > 0) {
    const supplier = (ack.supplier ?? {}) as Json;
    const who = 'the 855 from ' + str(supplier.name ? supplier.name : supplier.id) + ' for PO ' + str(ack.poNumber);
    const exception: Json = {
      type: 'po-ack-mismatch',
      reason: rejected
        ? who + ' rejects the whole order' + (ack.ackTypeCode ? ' (BAK02 ' + str(ack.ackTypeCode) + ')' : '')
        : who + ' differs from the order on ' + String(lines.length) + ' of ' + String(ackLines.length) + ' line(s): ' +
          lines.map((l) => 'line ' + str(l.lineNumber) + ' (' + str(item(l)) + '): ' + (l.differences as string[]).join('; ')).join(' | '),
    };
    if (ack.poNumber !== undefined) exception.poNumber = ack.poNumber;
    if (ack.supplier !== undefined) exception.supplier = ack.supplier;
    if (ack.ackType !== undefined) exception.ackType = ack.ackType;
    exception.lines = lines;
    exception.documents = [ack];
    out.exception = exception;
  }
  return out;
}
