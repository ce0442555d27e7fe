// Draws the runs table's rows into the DOM, without React. Dragging the scrollbar through 10,000
// rows in two seconds shows a new screenful every frame; rendering it with React took longer than
// a frame, and the rows, scrolled by the compositor ahead of the page, showed blank. So the rows
// sit in a viewport that stays put (the table's scroller only provides the scrollbars; see
// runs-table.tsx), and this painter, called synchronously from the scroll event, moves two layers
// and writes only the rows that came into view: a fixed pool of row elements, each reused for the
// row at its position modulo the pool's size, so a scroll by one row rewrites one row. Each row is
// drawn in two parts: the pinned part (selection box and name, which stay in view when scrolling
// sideways) and the rest, of which only the columns in view are drawn.
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { TableRow, TableRows } from '../../models/runs-table/runs-table-rows';
import { writeGroupCell, writeRunCell, type CellContext } from './runs-table-cells';
import { CHECK_WIDTH, HEADER_HEIGHT, ROW_HEIGHT } from './runs-table-geometry';

/** Pixels of columns drawn beyond each side of the view. */
const COLUMN_MARGIN = 320;

/** What the rows show; replaced whenever the data, the columns, the selection or the focus change. */
export interface PaintState {
  readonly rows: TableRows;
  /** The pinned name column. */
  readonly nameColumn: PlacedColumn;
  /** Every other column, in order. */
  readonly restColumns: readonly PlacedColumn[];
  /** The table's whole width. */
  readonly width: number;
  readonly isSelected: (row: TableRow) => boolean;
  /** The focused row's key. */
  readonly focused: string | null;
  readonly cells: CellContext;
  /** Gives colours to the runs about to be drawn together (see models/run-colors). */
  readonly assignColors: (runIds: readonly string[]) => void;
}

/** Where the table is scrolled to, and how much of it shows. */
export interface Viewport {
  readonly scrollTop: number;
  readonly scrollLeft: number;
  readonly width: number;
  readonly height: number;
}

interface Slot {
  readonly pinned: HTMLDivElement;
  readonly rest: HTMLDivElement;
  readonly checkbox: HTMLSpanElement;
  readonly nameCell: HTMLDivElement;
  readonly restCells: Map<string, HTMLDivElement>;
  /** The position drawn, the state generation and the column range it was drawn with; -1 when unused. */
  position: number;
  generation: number;
  columns: string;
  key: string | null;
  /** What the row drawn showed besides its values: depth, nested runs, expanded. */
  shape: string;
}

/** What a row shows besides its cells' values. */
function rowShape(row: TableRow): string {
  return row.kind === 'run' ? `${row.depth}:${row.childCount}:${row.expanded}` : '';
}

function cellClass(column: PlacedColumn): string {
  const flex = column.kind === 'attribute' && (column.attribute === 'name' || column.attribute === 'status');
  return `rt-cell rt-${column.kind}${flex ? ' rt-flex' : ''}`;
}

/** Paints the visible rows of the table into two layers: the pinned part and the rest. */
export class RunsTablePainter {
  private state: PaintState | null = null;
  private viewport: Viewport = { scrollTop: 0, scrollLeft: 0, width: 0, height: 0 };
  private generation = 0;
  private readonly slots: Slot[] = [];
  private hovered: string | null = null;
  private columnRange: readonly [number, number] = [0, 0];
  /** The first and last positions drawn. */
  private drawn: readonly [number, number] = [0, 0];
  /** While painting after a live patch: the runs it changed (other rows already drawn stay). */
  private patched: ReadonlySet<string> | null = null;

  constructor(
    private readonly pinnedLayer: HTMLElement,
    private readonly restLayer: HTMLElement,
  ) {}

  /**
   * New rows, columns, selection or focus: every visible row is drawn again. After a live patch
   * that changed only the values of `patchedRunIds` (the columns, selection and focus the same),
   * only the rows that now show another row, show those runs, or show a duration still running
   * are drawn again; a screenful of unchanged rows is not rewritten on each patch.
   */
  update(state: PaintState, patchedRunIds: ReadonlySet<string> | null = null): void {
    this.state = state;
    if (patchedRunIds === null) this.generation++;
    this.patched = patchedRunIds;
    try {
      this.paint();
    } finally {
      this.patched = null;
    }
  }

  /** A scroll or resize: the layers move, and the rows and columns that came into view are drawn. */
  scroll(viewport: Viewport): void {
    this.viewport = viewport;
    this.paint();
  }

  /** The row under the pointer (both its parts are highlighted). */
  setHovered(key: string | null): void {
    if (this.hovered === key) return;
    this.hovered = key;
    for (const slot of this.slots) {
      if (slot.position < 0) continue;
      const hovered = slot.key === key;
      slot.pinned.classList.toggle('is-hovered', hovered);
      slot.rest.classList.toggle('is-hovered', hovered);
    }
  }

  /** The positions drawn, [first, last). */
  get drawnRange(): readonly [number, number] {
    return this.drawn;
  }

  private paint(): void {
    const state = this.state;
    if (!state) return;
    const { scrollTop, scrollLeft, width, height } = this.viewport;
    const visibleRows = Math.max(1, Math.ceil(Math.max(0, height - HEADER_HEIGHT) / ROW_HEIGHT) + 1);
    const first = Math.min(Math.max(0, Math.floor(scrollTop / ROW_HEIGHT)), Math.max(0, state.rows.length - 1));
    const last = Math.min(state.rows.length, first + visibleRows);
    this.ensureSlots(visibleRows);
    this.columnRange = this.columnsInView(state.restColumns, scrollLeft, width);
    const columnsKey = `${this.columnRange[0]}:${this.columnRange[1]}`;

    const size = this.slots.length;
    if (this.drawn[0] !== first || this.drawn[1] !== last) {
      const runIds: string[] = [];
      for (let position = first; position < last; position++) {
        const row = state.rows.at(position);
        if (row.kind === 'run') runIds.push(row.key);
      }
      state.assignColors(runIds);
    }
    const used = new Set<number>();
    for (let position = first; position < last; position++) {
      const index = position % size;
      used.add(index);
      const slot = this.slots[index]!;
      const row = state.rows.at(position);
      const fresh = slot.position !== position || slot.generation !== this.generation || this.changedSince(slot, row, state);
      if (fresh) this.writeRow(slot, row, position, state);
      if (fresh || slot.columns !== columnsKey) this.writeRest(slot, row, state, columnsKey);
    }
    this.slots.forEach((slot, index) => {
      if (used.has(index) || slot.position < 0) return;
      slot.position = -1;
      slot.key = null;
      slot.pinned.hidden = true;
      slot.rest.hidden = true;
      // An unused slot is no row: nothing may find it as one.
      for (const name of ['testid', 'runId', 'rowKey', 'depth']) delete slot.pinned.dataset[name];
      delete slot.rest.dataset.rowKey;
    });
    this.drawn = [first, last];
    // The layers sit below the header, in a body that clips them.
    const y = -scrollTop;
    this.pinnedLayer.style.transform = `translate3d(0, ${y}px, 0)`;
    this.restLayer.style.transform = `translate3d(${-scrollLeft}px, ${y}px, 0)`;
  }

  /** While painting after a live patch: whether the row at a slot's position differs from the one it shows. */
  private changedSince(slot: Slot, row: TableRow, state: PaintState): boolean {
    if (!this.patched) return false;
    if (row.kind === 'group') return true;
    return slot.key !== row.key || slot.shape !== rowShape(row) || this.patched.has(row.key) || state.cells.data.endTimes[row.index] === null;
  }

  /** Grows the pool to `count` slots; a new size maps positions to new slots, so everything is drawn again. */
  private ensureSlots(count: number): void {
    if (this.slots.length >= count) return;
    while (this.slots.length < count) {
      const index = this.slots.length;
      const pinned = document.createElement('div');
      pinned.setAttribute('role', 'row');
      pinned.setAttribute('aria-owns', `rt-rest-${index}`);
      const check = document.createElement('div');
      check.setAttribute('role', 'gridcell');
      check.className = 'rt-cell rt-check';
      check.style.width = `${CHECK_WIDTH}px`;
      // Drawn with CSS rather than a native box: a screenful of native boxes costs more to lay out and paint.
      const checkbox = document.createElement('span');
      checkbox.className = 'rt-checkbox';
      checkbox.setAttribute('role', 'checkbox');
      checkbox.dataset.action = 'select';
      check.append(checkbox);
      const nameCell = document.createElement('div');
      nameCell.setAttribute('role', 'gridcell');
      pinned.append(check, nameCell);
      const rest = document.createElement('div');
      rest.setAttribute('role', 'none');
      rest.id = `rt-rest-${index}`;
      pinned.hidden = true;
      rest.hidden = true;
      this.pinnedLayer.append(pinned);
      this.restLayer.append(rest);
      this.slots.push({ pinned, rest, checkbox, nameCell, restCells: new Map(), position: -1, generation: -1, columns: '', key: null, shape: '' });
    }
    for (const slot of this.slots) slot.position = -1;
  }

  private columnsInView(columns: readonly PlacedColumn[], scrollLeft: number, width: number): [number, number] {
    const from = scrollLeft - COLUMN_MARGIN;
    const to = scrollLeft + width + COLUMN_MARGIN;
    const offset = CHECK_WIDTH;
    let start = 0;
    while (start < columns.length && offset + columns[start]!.left + columns[start]!.width < from) start++;
    let end = start;
    while (end < columns.length && offset + columns[end]!.left < to) end++;
    return [start, end];
  }

  private rowClass(row: TableRow, state: PaintState): string {
    const selected = state.isSelected(row);
    return `rt-row${row.kind === 'group' ? ' rt-group-row' : ''}${selected ? ' is-selected' : ''}${row.key === state.focused ? ' is-focused' : ''}${
      row.key === this.hovered ? ' is-hovered' : ''
    }`;
  }

  /** Draws the pinned part of the row at `position` into a slot, and moves the slot there. */
  private writeRow(slot: Slot, row: TableRow, position: number, state: PaintState): void {
    const { pinned, rest, checkbox, nameCell } = slot;
    const isGroup = row.kind === 'group';
    const selected = state.isSelected(row);
    const className = this.rowClass(row, state);
    const transform = `translateY(${position * ROW_HEIGHT}px)`;
    const pinnedWidth = CHECK_WIDTH + state.nameColumn.width;
    pinned.className = `${className} rt-row-pinned`;
    pinned.style.transform = transform;
    pinned.style.width = `${pinnedWidth}px`;
    pinned.setAttribute('aria-rowindex', String(position + 2));
    pinned.setAttribute('aria-selected', String(selected));
    pinned.dataset.rowKey = row.key;
    pinned.dataset.testid = isGroup ? 'group-row' : 'run-row';
    if (isGroup) {
      delete pinned.dataset.runId;
      delete pinned.dataset.depth;
    } else {
      pinned.dataset.runId = row.key;
      pinned.dataset.depth = String(row.depth);
    }
    const name = isGroup ? `group ${row.value ?? 'not set'}` : (state.cells.data.runNames[row.index] ?? row.key);
    checkbox.setAttribute('aria-checked', String(selected));
    checkbox.setAttribute('aria-label', `Select ${name}`);
    nameCell.className = cellClass(state.nameColumn);
    nameCell.style.width = `${state.nameColumn.width}px`;
    nameCell.dataset.column = state.nameColumn.id;
    nameCell.removeAttribute('title');
    if (row.kind === 'group') writeGroupCell(nameCell, state.nameColumn, row, state.cells);
    else writeRunCell(nameCell, state.nameColumn, row, state.cells);
    rest.className = `${className} rt-row-rest`;
    rest.style.transform = transform;
    rest.style.width = `${state.width - pinnedWidth}px`;
    rest.dataset.rowKey = row.key;
    pinned.hidden = false;
    rest.hidden = false;
    slot.position = position;
    slot.generation = this.generation;
    slot.key = row.key;
    slot.shape = rowShape(row);
  }

  /**
   * Draws the columns in view of a row's rest part. The cells are laid out in the row's flow (in
   * column order, after a padding as wide as the columns left of them) rather than each placed
   * absolutely: a positioned cell is a paint layer of its own, and a screenful of them cost more
   * to paint than the text they hold.
   */
  private writeRest(slot: Slot, row: TableRow, state: PaintState, columnsKey: string): void {
    const [start, end] = this.columnRange;
    const offset = state.nameColumn.width;
    const shown = new Set<string>();
    let previous: HTMLDivElement | null = null;
    for (let i = start; i < end; i++) {
      const column = state.restColumns[i]!;
      shown.add(column.id);
      let cell = slot.restCells.get(column.id);
      if (!cell) {
        cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.dataset.column = column.id;
        slot.restCells.set(column.id, cell);
      }
      // In column order: a cell comes right after the previous column's.
      const expected: ChildNode | null = previous ? previous.nextSibling : slot.rest.firstChild;
      if (expected !== cell) slot.rest.insertBefore(cell, expected);
      previous = cell;
      cell.className = cellClass(column);
      cell.style.width = `${column.width}px`;
      cell.removeAttribute('title');
      if (row.kind === 'group') writeGroupCell(cell, column, row, state.cells);
      else writeRunCell(cell, column, row, state.cells);
    }
    for (const [id, cell] of slot.restCells) {
      if (shown.has(id)) continue;
      cell.remove();
      slot.restCells.delete(id);
    }
    const firstColumn = state.restColumns[start];
    slot.rest.style.paddingLeft = `${firstColumn ? firstColumn.left - offset : 0}px`;
    slot.columns = columnsKey;
  }
}
