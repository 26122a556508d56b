/** Every shipped mapping written by hand, keyed by its path under mappings/. */
import { type HandWritten } from './common.ts';
import b2bOrder from './b2b-portal/order-to-sales-order.ts';
import supplierAsns from './outputs/supplier-asns.ts';
import supplierInvoices from './outputs/supplier-invoices.ts';
import supplierPoAcks from './outputs/supplier-po-acks.ts';
import wmsReceipts from './outputs/wms-receipts.ts';
import shopifyOrder from './shopify/order-to-sales-order.ts';
import shopifyRefund from './shopify/refund-to-return-authorization.ts';
import shopifyFulfillment from './shopify/shipment-to-fulfillment.ts';
import asnToExpectedReceipt from './wms/asn-to-expected-receipt.ts';
import itemToWmsItem from './wms/item-to-wms-item.ts';
import receiptToGoodsReceipt from './wms/receipt-to-goods-receipt.ts';
import returnToExpectedReturn from './wms/return-authorization-to-expected-return.ts';
import shipmentConfirmation from './wms/shipment-confirmation-to-shipment.ts';
import releaseToWarehouseOrder from './wms/release-to-warehouse-order.ts';
import x12Invoice from './x12/810-to-invoice.ts';
import x12Order from './x12/850-to-sales-order.ts';
import x12Ack from './x12/855-to-purchase-order-ack.ts';
import x12ShipNotice from './x12/856-to-asn.ts';
import purchaseOrderTo850 from './x12/purchase-order-to-850.ts';
import invoiceTo810 from './x12/invoice-to-810.ts';

export type { Bindings, HandWritten } from './common.ts';

export const handWritten: ReadonlyMap<string, HandWritten> = new Map([
  ['b2b-portal/order-to-sales-order.jsonata', b2bOrder],
  ['outputs/supplier-asns.jsonata', supplierAsns],
  ['outputs/supplier-invoices.jsonata', supplierInvoices],
  ['outputs/supplier-po-acks.jsonata', supplierPoAcks],
  ['outputs/wms-receipts.jsonata', wmsReceipts],
  ['shopify/order-to-sales-order.jsonata', shopifyOrder],
  ['shopify/refund-to-return-authorization.jsonata', shopifyRefund],
  ['shopify/shipment-to-fulfillment.jsonata', shopifyFulfillment],
  ['wms/asn-to-expected-receipt.jsonata', asnToExpectedReceipt],
  ['wms/item-to-wms-item.jsonata', itemToWmsItem],
  ['wms/receipt-to-goods-receipt.jsonata', receiptToGoodsReceipt],
  ['wms/return-authorization-to-expected-return.jsonata', returnToExpectedReturn],
  ['wms/release-to-warehouse-order.jsonata', releaseToWarehouseOrder],
  ['wms/shipment-confirmation-to-shipment.jsonata', shipmentConfirmation],
  ['x12/810-to-invoice.jsonata', x12Invoice],
  ['x12/850-to-sales-order.jsonata', x12Order],
  ['x12/855-to-purchase-order-ack.jsonata', x12Ack],
  ['x12/856-to-asn.jsonata', x12ShipNotice],
  ['x12/invoice-to-810.jsonata', invoiceTo810],
  ['x12/purchase-order-to-850.jsonata', purchaseOrderTo850],
]);
