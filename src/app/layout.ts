// The screen's fixed layout, in terminal rows: the header, the body, the status bar. Shared by
// the components (how much to draw) and the store (how far a page moves the cursor).

export const HEADER_ROWS = 2;
export const STATUS_ROWS = 2;
/** Ink redraws the whole terminal on every frame when its output is as tall as the terminal:
 * leave the last row empty so that frames are diffs. */
export const SPARE_ROWS = 1;
/** How many completions the palette shows above the status bar. */
export const PALETTE_ROWS = 6;

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

export interface Size {
  columns: number;
  rows: number;
}

export function isTooSmall(size: Size): boolean {
  return size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
}

/** Rows between the header and the status bar; `paletteOpen`: a panel of PALETTE_ROWS is open
 * above the status bar (the palette's completions, or the tasks panel). */
export function bodyRows(size: Size, paletteOpen = false): number {
  return Math.max(1, size.rows - HEADER_ROWS - STATUS_ROWS - SPARE_ROWS - (paletteOpen ? PALETTE_ROWS : 0));
}

/** Data rows of a table in the body (one row for the title line, one for the column headers). */
export function tableRows(size: Size, paletteOpen = false): number {
  return Math.max(1, bodyRows(size, paletteOpen) - 2);
}

/** Lines of text a text screen shows: the body less its own title lines (a guest's detail: the
 * title and the tabs; a task log: its title). */
export function textRows(screen: string, size: Size, panelOpen = false): number {
  const titleRows = screen === 'detail' ? 2 : screen === 'taskLog' ? 1 : 0;
  return Math.max(1, bodyRows(size, panelOpen) - titleRows);
}
