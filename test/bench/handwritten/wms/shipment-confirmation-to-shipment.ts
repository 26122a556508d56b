/** mappings/wms/shipment-confirmation-to-shipment.jsonata, by hand. */
import { type Bindings, type Json, text } from '../common.ts';

export default function shipmentConfirmationToShipment(body: unknown, _bindings: Bindings): unknown {
  const s = body as Json;
  const complete = s.complete === true;
  const order = (s.order ?? {}) as Json;
  const carrier = s.carrier as Json | undefined;
  const packages = s.packages as Json[] | undefined;
  const shipTo = s.shipTo as Json | undefined;
  const tracking: unknown[] = [];
  for (const p of packages ?? []) if (text(p.trackingNumber)) tracking.push(p.trackingNumber);
  const out: Json = { schemaVersion: 1 };
  if (s.shipmentId !== undefined) out.shipmentId = s.shipmentId;
  if (order.orderNumber !== undefined) out.orderNumber = order.orderNumber;
  if (order.channelOrderId !== undefined) out.externalOrderId = order.channelOrderId;
  if (order.channel !== undefined) out.channel = order.channel;
  if (s.warehouse !== undefined) out.location = s.warehouse;
  if (s.shippedAt !== undefined) out.shippedAt = s.shippedAt;
  if (s.complete !== undefined) out.finalShipment = s.complete;
  if (carrier && (carrier.scac || carrier.name || carrier.service)) {
    const c: Json = {};
    if (carrier.scac !== undefined) c.scac = carrier.scac;
    const cName = text(carrier.name);
    if (cName !== undefined) c.name = cName;
    const cService = text(carrier.service);
    if (cService !== undefined) c.service = cService;
    out.carrier = c;
  }
  if (tracking.length > 0) out.trackingNumbers = tracking;
  const billOfLading = text(s.billOfLading);
  if (billOfLading !== undefined) out.billOfLading = billOfLading;
  if (shipTo) {
    const street = shipTo.street as unknown[] | undefined;
    const to: Json = {};
    const toName = text(shipTo.name);
    if (toName !== undefined) to.name = toName;
    const toCompany = text(shipTo.company);
    if (toCompany !== undefined) to.company = toCompany;
    if (street?.[0] !== undefined) to.line1 = street?.[0];
    const toLine2 = text(street?.[1]);
    if (toLine2 !== undefined) to.line2 = toLine2;
    if (shipTo.city !== undefined) to.city = shipTo.city;
    const toRegion = text(shipTo.state);
    if (toRegion !== undefined) to.region = toRegion;
    const toPostalCode = text(shipTo.postalCode);
    if (toPostalCode !== undefined) to.postalCode = toPostalCode;
    if (shipTo.country !== undefined) to.country = shipTo.country;
    const toPhone = text(shipTo.phone);
    if (toPhone !== undefined) to.phone = toPhone;
    out.shipTo = to;
  }
  if (packages !== undefined) {
    out.packages = packages.map((p) => {
      const pkg: Json = {};
      const pkgPackageId = text(p.packageId);
      if (pkgPackageId !== undefined) pkg.packageId = pkgPackageId;
      if (p.sscc !== undefined) pkg.sscc = p.sscc;
      const pkgTrackingNumber = text(p.trackingNumber);
      if (pkgTrackingNumber !== undefined) pkg.trackingNumber = pkgTrackingNumber;
      if (p.weight !== undefined && p.weightUnit) pkg.weight = { value: p.weight, unit: p.weightUnit };
      if (p.length && p.width && p.height && p.dimensionUnit) {
        pkg.dimensions = { length: p.length, width: p.width, height: p.height, unit: p.dimensionUnit };
      }
      return pkg;
    });
  }
  out.lines = ((s.lines ?? []) as Json[]).map((l) => {
    const ordered = l.ordered as number | undefined;
    const shipped = l.shipped as number;
    const line: Json = {};
    if (l.orderLine !== undefined) line.lineNumber = l.orderLine;
    const lineExternalLineId = text(l.channelLineId);
    if (lineExternalLineId !== undefined) line.externalLineId = lineExternalLineId;
    if (l.sku !== undefined) line.sku = l.sku;
    if (shipped !== undefined) line.quantityShipped = shipped;
    line.quantityBackordered = ordered !== undefined && ordered > shipped && !complete ? ordered - shipped : 0;
    if (l.uom !== undefined) line.unit = l.uom;
    const lineLot = text(l.lot);
    if (lineLot !== undefined) line.lot = lineLot;
    return line;
  });
  return out;
}
