/**
 * A dependency-free aligned text table and an inline unicode bar, for terminal output.
 * Cells may carry ANSI colour: widths are measured on the visible text.
 */

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Prefix of every line. */
  indent?: string;
  /** Style for the header row, e.g. chalk.bold. */
  header?: (s: string) => string;
  /** Draw a `─` rule under the header (default true). */
  rule?: boolean;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Visible width: code points, ANSI escapes removed. */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Renders columns and rows as aligned text; lines never end in spaces. */
export function textTable(columns: Column[], rows: string[][], opts: TableOptions = {}): string {
  const gap = ' '.repeat(opts.gap ?? 2);
  const indent = opts.indent ?? '';
  const style = opts.header ?? ((s: string) => s);
  const widths = columns.map((c, i) => Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: string[], styleFn: (s: string) => string = (s) => s) =>
    indent + cells.map((cell, i) => styleFn(pad(cell, widths[i], columns[i].align ?? 'left'))).join(gap).trimEnd();
  const out = [line(columns.map((c) => c.header), style)];
  if (opts.rule ?? true) out.push(indent + widths.map((w) => '─'.repeat(w)).join(gap));
  for (const r of rows) out.push(line(columns.map((_, i) => r[i] ?? '')));
  return out.map((l) => l.trimEnd()).join('\n');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * An inline bar of `value / max` over `width` cells, in eighths of a cell.
 * Empty for zero or unknown; a non-zero value always shows at least `▏`.
 */
export function bar(value: number | null | undefined, max: number, width = 20): string {
  if (value == null || !Number.isFinite(value) || value <= 0 || !(max > 0)) return '';
  const eighths = Math.round(Math.min(1, value / max) * width * 8);
  const s = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
  return s === '' ? '▏' : s;
}
