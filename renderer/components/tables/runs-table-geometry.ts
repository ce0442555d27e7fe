// The runs table's fixed sizes, shared by the header, the row painter and the keyboard.

/** Height of every row, in pixels. */
export const ROW_HEIGHT = 32;
/** Width of the selection column, in pixels. */
export const CHECK_WIDTH = 36;
/** Height of the header, in pixels. */
export const HEADER_HEIGHT = 44;
