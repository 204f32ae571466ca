/** How a column lines up. */
export type Align = 'left' | 'right';

/** One column of a {@link formatTable} table. */
export interface Column {
  /** Header text. */
  header: string;
  /**
   * Alignment of the cells (and the header).
   * @default 'left'
   */
  align?: Align;
}

/** Output style of {@link formatTable}. */
export type TableStyle = 'text' | 'markdown';

function pad(text: string, width: number, align: Align): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/**
 * Renders rows as a table with aligned columns: `'text'` for a terminal (two spaces between columns, a dashed rule
 * under the header), `'markdown'` for a GitHub table (`---:` marks right-aligned columns). Cells are strings; a
 * row shorter than the header gets empty cells.
 *
 * @example
 * ```ts
 * formatTable([{ header: 'model' }, { header: 's', align: 'right' }], [['lstm', '1.20']]);
 * // 'model     s\n-----  ----\nlstm   1.20'
 * ```
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: TableStyle = 'text',
): string {
  const widths = columns.map((c, i) =>
    Math.max(style === 'markdown' ? 3 : 1, c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string => {
    const padded = columns.map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'left'));
    return style === 'markdown' ? `| ${padded.join(' | ')} |` : padded.join('  ').trimEnd();
  };
  const header = line(columns.map((c) => c.header));
  const rule =
    style === 'markdown'
      ? `| ${columns.map((c, i) => (c.align === 'right' ? `${'-'.repeat(widths[i]! - 1)}:` : '-'.repeat(widths[i]!))).join(' | ')} |`
      : widths.map((w) => '-'.repeat(w)).join('  ');
  return [header, rule, ...rows.map(line)].join('\n');
}

/** A number with fixed decimals, or `–` when missing. */
export function fmt(value: number | null | undefined, digits = 2, suffix = ''): string {
  return value == null || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)}${suffix}`;
}
