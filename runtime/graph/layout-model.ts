/**
 * The flow graph laid out: every box and edge with its place, in pixels, top left at 0,0. The
 * SVG is drawn from it, and the runner's `GET /v1/graph?format=json` returns it as it is, so a
 * client can draw its own picture. The sizes the layout gives text are the ones the SVG uses.
 */
import type { EdgeStyle, NodeKind } from './graph.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * An outside system that both sends and receives is drawn twice, once where what it sends
 * starts and once where what it receives ends: drawn once, every flow through it would loop
 * back and the picture would be one long chain.
 */
export type SystemSide = 'sends' | 'receives';

export interface LaidNode extends Box {
  /** The graph node's id; two boxes share it when a system is drawn on both sides. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** The label as drawn, broken into lines. */
  readonly lines: readonly string[];
  /** The small second line: the subject's stream, or the side of an outside system. */
  readonly caption?: string;
  readonly stream?: string;
  readonly side?: SystemSide;
  /** A pipeline's dead-letter subject drawn as a band under that pipeline's box (its id). */
  readonly bandOf?: string;
}

export interface LaidEdge {
  readonly from: string;
  readonly to: string;
  readonly style: EdgeStyle;
  /** The edge's label in the graph (output, durable, subject pattern). */
  readonly label?: string;
  /** The label as drawn: none where the ends already say it. */
  readonly text?: string;
  /** The route, first point on the source, last on the target; none for a band's edge. */
  readonly points: readonly Point[];
  /** A pipeline's edge to its dead-letter band: the band shows it, the slot is at its right. */
  readonly band?: true;
  /** Room reserved on the edge for its drawn label and, below it, a live rate. */
  readonly slot: Box;
  /** The pipeline at either end, for live figures. */
  readonly pipeline?: string;
  /** The subject (or pattern) at either end. */
  readonly subject?: string;
}

export interface GraphLayout {
  readonly direction: 'right' | 'down';
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidNode[];
  readonly edges: readonly LaidEdge[];
}

/** Text sizes, in pixels, shared by the layout (which measures) and the SVG (which draws). */
export const TEXT = {
  label: 12,
  caption: 10,
  edge: 10,
  /** Line heights. */
  labelLine: 15,
  captionLine: 13,
  edgeLine: 12,
} as const;
