// Where the distribution chart draws its bars, its height ticks and its labels: plain geometry for
// a small SVG, so that a page of forty charts is forty handfuls of rectangles rather than forty
// chart libraries' worth of components.
import { formatNumber, snappedAxis } from '../charts/chart-scales';
import type { Bar } from './distribution-bars';

/** Whether a chart's heights are shares (0..1, shown as percentages) or counts. */
export type DistributionHeights = 'share' | 'count';

/** Space around the bars: the height labels on the left, the bar labels below. */
export const DISTRIBUTION_MARGIN = { top: 6, right: 6, bottom: 18, left: 38 } as const;

/** Roughly how wide a 10px label's character is, to keep bar labels apart. */
const LABEL_CHAR_WIDTH = 5.6;
/** The least room between two bar labels. */
const LABEL_GAP = 8;

/** One bar's place: its band (where hovering it points at it) and each side's rectangle. */
export interface BarPlace {
  readonly bandX: number;
  readonly bandWidth: number;
  readonly x: number;
  readonly width: number;
  readonly currentY: number;
  readonly currentHeight: number;
  readonly referenceY: number | null;
  readonly referenceHeight: number | null;
}

/** Everything the chart draws, in pixels of a width × height SVG. */
export interface DistributionLayout {
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly bars: readonly BarPlace[];
  /**
   * Each side's bars as one SVG path of rectangles (one element per side rather than one per bar:
   * a Data page of forty charts then builds a few hundred SVG elements instead of thousands).
   */
  readonly currentPath: string;
  /** The reference side's rectangles, for an overlay; null when no bar has a reference. */
  readonly referencePath: string | null;
  /** The height ticks (the lowest is 0), each with its label and its y. */
  readonly heightTicks: ReadonlyArray<{ readonly y: number; readonly label: string }>;
  /** The bar labels that fit (the first and the last always), each centred under its bar. */
  readonly barLabels: ReadonlyArray<{ readonly index: number; readonly x: number; readonly label: string }>;
}

/** A bar's height as the axis and the tooltip say it: a percentage of rows, or a count. */
export function formatHeight(value: number, heights: DistributionHeights): string {
  return heights === 'share' ? `${formatNumber(Math.round(value * 1000) / 10)}%` : formatNumber(value);
}

/** Which bar labels to show: the first and the last, and between them every one that keeps LABEL_GAP from its neighbours. */
function fittingLabels(labels: readonly string[], centres: readonly number[]): number[] {
  if (labels.length === 0) return [];
  const half = (index: number) => (labels[index]!.length * LABEL_CHAR_WIDTH) / 2;
  const last = labels.length - 1;
  const shown = [0];
  let reached = centres[0]! + half(0);
  const lastStart = centres[last]! - half(last);
  for (let index = 1; index < last; index++) {
    const start = centres[index]! - half(index);
    const end = centres[index]! + half(index);
    if (start >= reached + LABEL_GAP && end <= lastStart - LABEL_GAP) {
      shown.push(index);
      reached = end;
    }
  }
  if (last > 0 && lastStart >= reached + LABEL_GAP) shown.push(last);
  return shown;
}

/** A rectangle as SVG path data (nothing for one of no height, which would draw a line). */
function rectanglePath(x: number, y: number, width: number, height: number): string {
  if (height <= 0) return '';
  const round = (value: number) => Math.round(value * 100) / 100;
  return `M${round(x)} ${round(y)}h${round(width)}v${round(height)}h${-round(width)}z`;
}

/**
 * The layout of a distribution chart: bands of equal width (a one-pixel gap past 12 bars, else 12%
 * of the band on each side), heights from 0 to a round value above the tallest side, three height
 * ticks, and the bar labels that fit.
 */
export function distributionLayout(bars: readonly Bar[], width: number, height: number, heights: DistributionHeights): DistributionLayout {
  const plot = { left: DISTRIBUTION_MARGIN.left, top: DISTRIBUTION_MARGIN.top, right: width - DISTRIBUTION_MARGIN.right, bottom: height - DISTRIBUTION_MARGIN.bottom };
  const tallest = Math.max(0, ...bars.map((bar) => Math.max(bar.current, bar.reference ?? 0)));
  const axis = snappedAxis(0, tallest > 0 ? tallest : 1, 2, 'value', 'linear');
  const top = axis.domain[1] > 0 ? axis.domain[1] : 1;
  const plotHeight = Math.max(0, plot.bottom - plot.top);
  const yOf = (value: number) => plot.bottom - (Math.max(0, value) / top) * plotHeight;
  const bandWidth = bars.length > 0 ? Math.max(0, plot.right - plot.left) / bars.length : 0;
  const gap = bars.length > 12 ? Math.min(1, bandWidth / 4) : bandWidth * 0.12;
  const places = bars.map((bar, index): BarPlace => {
    const bandX = plot.left + index * bandWidth;
    const currentY = yOf(bar.current);
    const referenceY = bar.reference === undefined ? null : yOf(bar.reference);
    return {
      bandX,
      bandWidth,
      x: bandX + gap,
      width: Math.max(0.5, bandWidth - 2 * gap),
      currentY,
      currentHeight: plot.bottom - currentY,
      referenceY,
      referenceHeight: referenceY === null ? null : plot.bottom - referenceY,
    };
  });
  const centres = places.map((place) => place.bandX + place.bandWidth / 2);
  const overlaid = bars.some((bar) => bar.reference !== undefined);
  return {
    plot,
    bars: places,
    currentPath: places.map((place) => rectanglePath(place.x, place.currentY, place.width, place.currentHeight)).join(''),
    referencePath: overlaid
      ? places.map((place) => (place.referenceY === null || place.referenceHeight === null ? '' : rectanglePath(place.x, place.referenceY, place.width, place.referenceHeight))).join('')
      : null,
    heightTicks: axis.ticks.filter((tick) => tick >= 0 && tick <= top).map((tick) => ({ y: yOf(tick), label: formatHeight(tick, heights) })),
    barLabels: fittingLabels(
      bars.map((bar) => bar.label),
      centres,
    ).map((index) => ({ index, x: centres[index]!, label: bars[index]!.label })),
  };
}
