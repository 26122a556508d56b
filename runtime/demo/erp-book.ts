/**
 * What the stand-in ERP knows during the demo and the end-to-end scenarios: purchase order
 * 08292233294 to Widget Works (the PO of the corpus 850), with what the warehouse received
 * against it (receipt RCV-000731: 78 good of line 1's 80, 216 of line 2's 220), so the invoice
 * pipeline's three-way match has something real to compare against; and the numbers it gives
 * the two sales orders the demo day releases to a warehouse and (the retailer's) invoices, which
 * the day's releases (payloads/canonical/warehouse-release/) and invoice quote.
 */
import type { ErpBook } from './stand-in-erp.ts';

export function demoErpBook(): ErpBook {
  return {
    purchaseOrders: {
      '08292233294': {
        poNumber: '08292233294',
        supplier: { id: 'SUP-999999999', partnerId: '999999999' },
        currency: 'USD',
        lines: [
          { lineNumber: 1, sku: '065322-117', supplierPartNumber: 'AB3542', unit: 'EA', unitPrice: 9.25, orderedQuantity: 120, receivedQuantity: 78, invoicedQuantity: 0 },
          { lineNumber: 2, sku: '066850-116', supplierPartNumber: 'RD5322', unit: 'EA', unitPrice: 13.79, orderedQuantity: 220, receivedQuantity: 216, invoicedQuantity: 0 },
          { lineNumber: 3, sku: '060733-110', supplierPartNumber: 'XY5266', unit: 'EA', unitPrice: 10.99, orderedQuantity: 126, receivedQuantity: 100, invoicedQuantity: 0 },
          { lineNumber: 4, sku: '065308-116', supplierPartNumber: 'VX2332', unit: 'EA', unitPrice: 4.35, orderedQuantity: 76, receivedQuantity: 12, invoicedQuantity: 0 },
        ],
      },
    },
    salesOrderNumbers: {
      'b2b-portal:B2B-100482': 'SO-500001',
      'edi-4405197800:4500047731': 'SO-500002',
    },
  };
}
