/** The transaction sets Crossdock reads into typed form, and writes. */
import { invoice, type Invoice810 } from './810.ts';
import { inventoryAdvice, type InventoryAdvice846 } from './846.ts';
import { purchaseOrder, type PurchaseOrder850 } from './850.ts';
import { poAcknowledgment, type PoAcknowledgment855 } from './855.ts';
import { shipNotice, type ShipNotice856 } from './856.ts';
import { shippingOrder, type ShippingOrder940 } from './940.ts';
import { shippingAdvice, type ShippingAdvice945 } from './945.ts';
import { functionalAcknowledgment, type FunctionalAck997 } from './997.ts';
import type { TransactionSetModule } from './module.ts';

export type TypedDocument =
  | PurchaseOrder850
  | PoAcknowledgment855
  | ShipNotice856
  | Invoice810
  | InventoryAdvice846
  | ShippingOrder940
  | ShippingAdvice945
  | FunctionalAck997;

type AnyModule = TransactionSetModule<{ type: string }>;

const MODULES: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
  [purchaseOrder, poAcknowledgment, shipNotice, invoice, inventoryAdvice, shippingOrder, shippingAdvice, functionalAcknowledgment].map(
    (m) => [m.type, m as unknown as AnyModule] as const,
  ),
);

export function setModule(type: string): AnyModule | undefined {
  return MODULES.get(type);
}

export const TYPED_SET_TYPES: readonly string[] = [...MODULES.keys()];

export type { Invoice810, InventoryAdvice846, PurchaseOrder850, PoAcknowledgment855, ShipNotice856, ShippingOrder940, ShippingAdvice945, FunctionalAck997 };
