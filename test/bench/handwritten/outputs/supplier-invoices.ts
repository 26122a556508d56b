/** mappings/outputs/supplier-invoices.jsonata, by hand. */
import { type Bindings, type Json, first, round, str } from '../common.ts';

const priceTolerance = 0.01;
const quantityTolerance = 0.02;

const pct = (x: number): string => str(round(x * 100, 1)) + '%';
const qty = (q: unknown, unit: unknown): string => str(q) + ' ' + str(unit);

function poLine(po: Json | undefined, l: Json): Json | undefined {
  const lines = po?.lines;
  if (l.poLineNumber) return first(lines, 'lineNumber', l.poLineNumber);
  if (l.sku) return first(lines, 'sku', l.sku);
  if (l.supplierPartNumber) return first(lines, 'supplierPartNumber', l.supplierPartNumber);
  return first(lines, 'gtin', l.gtin);
}

function differences(po: Json | undefined, l: Json, p: Json | undefined): string[] {
  if (p === undefined) return ['not on PO ' + str(po?.poNumber)];
  const quantity = l.quantity as number;
  const billed = (p.invoicedQuantity ? (p.invoicedQuantity as number) : 0) + quantity;
  const price = l.unitPrice as number;
  const poPrice = p.unitPrice as number;
  const sameUnit = p.unit !== undefined && l.unit !== undefined && p.unit === l.unit;
  const out: string[] = [];
  if (p.unit !== undefined && l.unit !== undefined && p.unit !== l.unit) {
    out.push('invoiced in ' + str(l.unit) + ', ordered in ' + str(p.unit));
  }
  if (Math.abs(price - poPrice) > poPrice * priceTolerance) {
    out.push(
      'price ' + str(price) + ' instead of ' + str(poPrice) + ' (' + (price > poPrice ? '+' : '') + pct((price - poPrice) / poPrice) + ')',
    );
  }
  const received = p.receivedQuantity as number | undefined;
  if (sameUnit && received !== undefined && billed > received * (1 + quantityTolerance)) {
    out.push(
      'invoiced ' + qty(billed, l.unit) + (billed !== quantity ? ' with earlier invoices' : '') + ', received ' + qty(received, p.unit),
    );
  }
  const ordered = p.orderedQuantity as number | undefined;
  if (sameUnit && ordered !== undefined && billed > ordered * (1 + quantityTolerance)) {
    out.push('invoiced ' + qty(billed, l.unit) + ', ordered ' + qty(ordered, p.unit));
  }
  return out;
}

export default function supplierInvoiceOutputs(body: unknown, bindings: Bindings): unknown {
  const inv = body as Json;
  const po = (bindings.erp as Json | undefined)?.body as Json | undefined;
  const checked: Json[] = [];
  if (inv.invoiceType !== 'credit-memo') {
    for (const l of (inv.lines ?? []) as Json[]) {
      const p = poLine(po, l);
      const d = differences(po, l, p);
      if (d.length === 0) continue;
      const line: Json = {};
      if (l.lineNumber !== undefined) line.lineNumber = l.lineNumber;
      if (p?.lineNumber !== undefined) line.poLineNumber = p?.lineNumber;
      const lineSku = l.sku ? l.sku : p?.sku;
      if (lineSku !== undefined) line.sku = lineSku;
      const invoiced: Json = {};
      if (l.quantity !== undefined) invoiced.quantity = l.quantity;
      if (l.unit !== undefined) invoiced.unit = l.unit;
      if (l.unitPrice !== undefined) invoiced.unitPrice = l.unitPrice;
      if (l.amount !== undefined) invoiced.amount = l.amount;
      line.invoiced = invoiced;
      if (p) {
        const ordered: Json = {};
        if (p.orderedQuantity !== undefined) ordered.orderedQuantity = p.orderedQuantity;
        if (p.receivedQuantity !== undefined) ordered.receivedQuantity = p.receivedQuantity;
        if (p.invoicedQuantity !== undefined) ordered.invoicedQuantity = p.invoicedQuantity;
        if (p.unit !== undefined) ordered.unit = p.unit;
        if (p.unitPrice !== undefined) ordered.unitPrice = p.unitPrice;
        line.purchaseOrder = ordered;
      }
      line.differences = d;
      checked.push(line);
    }
  }
  const currency = Boolean(po?.currency) && inv.currency !== undefined && po?.currency !== inv.currency;
  const mismatch = checked.length > 0 || currency;
  const out: Json = { erp: inv, match: mismatch ? 'mismatch' : 'matched' };
  if (mismatch) {
    const supplier = (inv.supplier ?? {}) as Json;
    const problems: string[] = [];
    if (currency) problems.push('billed in ' + str(inv.currency) + ', ordered in ' + str(po?.currency));
    for (const c of checked) {
      problems.push('line ' + str(c.lineNumber) + ' (' + str(c.sku ? c.sku : 'no item') + '): ' + (c.differences as string[]).join('; '));
    }
    const exception: Json = {
      type: 'three-way-match',
      reason:
        'invoice ' + str(inv.invoiceNumber) + ' from ' + str(supplier.name ? supplier.name : supplier.id) +
        ' for PO ' + str(inv.poNumber) + ' does not match the order and its receipts: ' + problems.join(' | '),
    };
    if (inv.invoiceNumber !== undefined) exception.invoiceNumber = inv.invoiceNumber;
    if (inv.poNumber !== undefined) exception.poNumber = inv.poNumber;
    if (inv.supplier !== undefined) exception.supplier = inv.supplier;
    exception.tolerances = { pricePercent: priceTolerance * 100, quantityPercent: quantityTolerance * 100 };
    exception.lines = checked;
    exception.documents = po === undefined ? [inv] : [inv, po];
    out.exception = exception;
  }
  return out;
}
