/**
 * 856 Ship Notice/Manifest (4010).
 *
 * The HL loops are read flat and then assembled into a tree from their parent pointers (HL02),
 * not from the order they come in: senders interleave pack and item levels freely, and a parent
 * may even come after its child. A pointer to an unknown HL, a duplicate HL01 or a cycle rejects
 * the set, because a tree we cannot build would attach items to the wrong order or pallet.
 *
 * On top of the tree the reader adds two derived views for mappings: `shipment` (the shipment
 * level's carrier, bill of lading, dates and totals) and `items` (each item level with the PO
 * number and SSCC inherited from its ancestors).
 */
import { X12WriteError } from '../errors.ts';
import type { Json } from '../schema.ts';
import type { Segment } from '../segments.ts';
import {
  CTT,
  DTM,
  FOB,
  PID,
  PO4,
  REF,
  TD5,
  deriveCarriers,
  partyLoop,
  prepareCarriers,
  type Carrier,
  type DateTimeRef,
  type Description,
  type FreeOnBoard,
  type Party,
  type PhysicalDetails,
  type ProductIds,
  type Reference,
  type TransactionTotals,
} from './common.ts';
import type { TransactionSetModule } from './module.ts';
import { buildTree, childrenOf, MAX_HL_DEPTH, type HlLevel } from './hl-tree.ts';

export { MAX_HL_DEPTH, type HlLevel } from './hl-tree.ts';

const LEVEL_CODES: Readonly<Record<HlLevel, string>> = { shipment: 'S', order: 'O', tare: 'T', pack: 'P', item: 'I' };

/** TD1 carrier details (quantity and weight). */
export interface Packaging {
  packagingCode?: string;
  ladingQuantity?: number;
  commodityCodeQualifier?: string;
  commodityCode?: string;
  ladingDescription?: string;
  weightQualifier?: string;
  weight?: number;
  weightUnit?: string;
  volume?: number;
  volumeUnit?: string;
}

/** MAN marks and numbers; qualifier GM is an SSCC-18 label. */
export interface Mark {
  qualifier: string;
  number: string;
  number2?: string;
}

export interface HlNode {
  /** HL01. */
  id: string;
  /** HL02; set from the tree when writing. */
  parentId?: string;
  /** HL03: S shipment, O order, T tare, P pack, I item. */
  levelCode: string;
  /** HL04: 1 if the level has children, 0 if not. */
  childCode?: string;
  /** Derived from levelCode. */
  level?: HlLevel;
  /** LIN item identification. */
  item?: { lineNumber?: string; productIds?: ProductIds };
  /** SN1 item detail (shipment). */
  shipped?: {
    lineNumber?: string;
    quantity: number;
    unit: string;
    quantityShippedToDate?: number;
    quantityOrdered?: number;
    orderedUnit?: string;
    lineStatus?: string;
  };
  /** PRF purchase order reference. */
  order?: { poNumber: string; release?: string; changeOrderSequence?: string; date?: string; contractNumber?: string };
  pack?: PhysicalDetails;
  descriptions?: Description[];
  packaging?: Packaging[];
  carriers?: Carrier[];
  /** TD3 equipment. */
  equipment?: Array<{ code?: string; initial?: string; number?: string }>;
  refs?: Reference[];
  marks?: Mark[];
  /** Derived: the MAN*GM number of this level. */
  sscc?: string;
  dates?: DateTimeRef[];
  fob?: FreeOnBoard[];
  parties?: Party[];
  children?: HlNode[];
}

export interface ShipmentSummary {
  hlId: string;
  shipmentId?: string;
  scac?: string;
  billOfLading?: string;
  /** DTM*011. */
  shipDate?: string;
  /** DTM*017. */
  estimatedDelivery?: string;
  packages?: number;
  packagingCode?: string;
  weight?: number;
  weightUnit?: string;
}

/** One item level with what it inherits: the order's PO number and the pack's SSCC. */
export interface ShippedItem {
  hlId: string;
  lineNumber?: string;
  productIds?: ProductIds;
  quantity?: number;
  unit?: string;
  poNumber?: string;
  sscc?: string;
  descriptions?: Description[];
}

export interface ShipNotice856 {
  type: '856';
  bsn: {
    /** BSN01: 00 original, 14 advance notification... */
    purpose: string;
    shipmentId: string;
    date: string;
    time: string;
    structureCode?: string;
  };
  dates?: DateTimeRef[];
  /** Root HL levels (normally one shipment level), each with its children. */
  hierarchy?: HlNode[];
  totals?: TransactionTotals;
  /** Derived. */
  shipment?: ShipmentSummary;
  /** Derived. */
  items?: ShippedItem[];
}

/** What an item inherits from its nearest ancestor (or itself) that has it. */
interface Inherited {
  poNumber?: unknown;
  sscc?: unknown;
}

function summarize(value: Json, roots: Json[]): void {
  // Inherited values travel down with each node instead of each node keeping its list of
  // ancestors, which would cost depth² on a long chain.
  const all: Array<{ node: Json; inherited: Inherited }> = [];
  const stack: Array<{ node: Json; from: Inherited }> = [...roots].reverse().map((node) => ({ node, from: {} }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, from } = top;
    deriveCarriers(node.carriers);
    const gm = ((node.marks as Json[] | undefined) ?? []).find((m) => m.qualifier === 'GM');
    if (gm && typeof gm.number === 'string') node.sscc = gm.number;
    const po = (node.order as Json | undefined)?.poNumber;
    const inherited: Inherited = { poNumber: po ?? from.poNumber, sscc: node.sscc ?? from.sscc };
    all.push({ node, inherited });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Json, from: inherited });
  }

  const shipmentNode = roots.find((r) => r.levelCode === 'S');
  if (shipmentNode) {
    const s: Json = { hlId: shipmentNode.id };
    const bsn = value.bsn as Json | undefined;
    if (bsn?.shipmentId !== undefined) s.shipmentId = bsn.shipmentId;
    const scac = ((shipmentNode.carriers as Json[] | undefined) ?? []).find((c) => c.scac !== undefined)?.scac;
    if (scac !== undefined) s.scac = scac;
    const bol = ((shipmentNode.refs as Json[] | undefined) ?? []).find((r) => r.qualifier === 'BM')?.value;
    if (bol !== undefined) s.billOfLading = bol;
    const dates = [...((shipmentNode.dates as Json[] | undefined) ?? []), ...((value.dates as Json[] | undefined) ?? [])];
    const shipDate = dates.find((d) => d.qualifier === '011')?.date;
    if (shipDate !== undefined) s.shipDate = shipDate;
    const eta = dates.find((d) => d.qualifier === '017')?.date;
    if (eta !== undefined) s.estimatedDelivery = eta;
    const td1 = (shipmentNode.packaging as Json[] | undefined) ?? [];
    const counted = td1.find((t) => t.ladingQuantity !== undefined);
    if (counted) {
      s.packages = counted.ladingQuantity;
      if (counted.packagingCode !== undefined) s.packagingCode = counted.packagingCode;
    }
    const weighed = td1.find((t) => t.weight !== undefined);
    if (weighed) {
      s.weight = weighed.weight;
      if (weighed.weightUnit !== undefined) s.weightUnit = weighed.weightUnit;
    }
    value.shipment = s;
  }

  const items: Json[] = [];
  for (const { node, inherited } of all) {
    if (node.levelCode !== 'I' && node.item === undefined && node.shipped === undefined) continue;
    const item: Json = { hlId: node.id };
    const lin = node.item as Json | undefined;
    const sn1 = node.shipped as Json | undefined;
    const lineNumber = lin?.lineNumber ?? sn1?.lineNumber;
    if (lineNumber !== undefined) item.lineNumber = lineNumber;
    if (lin?.productIds !== undefined) item.productIds = lin.productIds;
    if (sn1?.quantity !== undefined) item.quantity = sn1.quantity;
    if (sn1?.unit !== undefined) item.unit = sn1.unit;
    if (inherited.poNumber !== undefined) item.poNumber = inherited.poNumber;
    if (inherited.sscc !== undefined) item.sscc = inherited.sscc;
    if (node.descriptions !== undefined) item.descriptions = node.descriptions;
    items.push(item);
  }
  if (items.length > 0) value.items = items;
}

/**
 * The tree as the flat HL list the schema writes, parents before children. Iterative for the
 * same reason as reading, and refuses what the reader would reject.
 */
function flatten(roots: readonly HlNode[]): Json[] {
  const out: Json[] = [];
  const stack = [...roots].reverse().map((node) => ({ node, parentId: undefined as string | undefined, depth: 1 }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, parentId, depth } = top;
    if (depth > MAX_HL_DEPTH) throw new X12WriteError(`HL ${String(node.id)} is nested ${depth} levels deep; at most ${MAX_HL_DEPTH} HL levels are written`, 'hierarchy');
    const levelCode = node.levelCode ?? (node.level ? LEVEL_CODES[node.level] : undefined);
    const flat: Json = { ...(node as unknown as Json), levelCode, carriers: prepareCarriers(node.carriers) };
    if (parentId === undefined) delete flat.parentId;
    else flat.parentId = parentId;
    out.push(flat);
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as HlNode, parentId: node.id, depth: depth + 1 });
  }
  return out;
}

export const shipNotice: TransactionSetModule<ShipNotice856> = {
  type: '856',
  functionalId: 'SH',
  beginning: 'BSN',
  schema: [
    { key: 'bsn', tag: 'BSN', fields: { purpose: [1], shipmentId: [2], date: [3, 'date'], time: [4, 'time'], structureCode: [5] } },
    DTM,
    {
      key: 'hl',
      tag: 'HL',
      fields: { id: [1], parentId: [2], levelCode: [3], childCode: [4] },
      body: [
        { key: 'item', tag: 'LIN', fields: { lineNumber: [1], productIds: { pairs: [2, 31] } } },
        {
          key: 'shipped',
          tag: 'SN1',
          fields: {
            lineNumber: [1],
            quantity: [2, 'number'],
            unit: [3],
            quantityShippedToDate: [4, 'number'],
            quantityOrdered: [5, 'number'],
            orderedUnit: [6],
            lineStatus: [8],
          },
        },
        { key: 'order', tag: 'PRF', fields: { poNumber: [1], release: [2], changeOrderSequence: [3], date: [4, 'date'], contractNumber: [6] } },
        PO4,
        PID,
        {
          key: 'packaging',
          tag: 'TD1',
          many: true,
          fields: {
            packagingCode: [1],
            ladingQuantity: [2, 'integer'],
            commodityCodeQualifier: [3],
            commodityCode: [4],
            ladingDescription: [5],
            weightQualifier: [6],
            weight: [7, 'number'],
            weightUnit: [8],
            volume: [9, 'number'],
            volumeUnit: [10],
          },
        },
        TD5,
        { key: 'equipment', tag: 'TD3', many: true, fields: { code: [1], initial: [2], number: [3] } },
        REF,
        { key: 'marks', tag: 'MAN', many: true, fields: { qualifier: [1], number: [2], number2: [3] } },
        DTM,
        FOB,
        partyLoop(),
      ],
    },
    CTT,
  ],
  finish(value, issues, segments) {
    const flat = (value.hl as Json[] | undefined) ?? [];
    delete value.hl;
    if (flat.length === 0) return;
    const { roots, tooDeep } = buildTree(flat, segments, issues);
    value.hierarchy = roots;
    // A rejected set's document is withheld anyway; deriving views of a runaway tree is wasted work.
    if (!tooDeep) summarize(value, roots);
    // Keep the document's key order readable: totals and derived views after the tree.
    for (const key of ['totals', 'shipment', 'items']) {
      if (key in value) {
        const v = value[key];
        delete value[key];
        value[key] = v;
      }
    }
  },
  prepare(document) {
    const { hierarchy, ...rest } = document;
    return { ...(rest as unknown as Json), hl: flatten(hierarchy ?? []) };
  },
};
