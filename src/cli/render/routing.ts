import type { RoutedDocument } from '../../plan/run-plan.js';
import { textTable } from './table.js';
import { formatInt } from './format.js';

/** `--dry-run` with routes: which model each document goes to, and why. */
export function renderRouting(rows: RoutedDocument[], total: number): string {
  const table = textTable(
    [{ header: 'document' }, { header: 'model' }, { header: 'doc tokens', align: 'right' }, { header: 'why' }],
    rows.map((r) => [r.id, r.model + (r.cached ? ' (cached)' : ''), formatInt(r.tokens), r.reason]),
  );
  const more = total > rows.length ? `\n… and ${formatInt(total - rows.length)} more documents` : '';
  return `\nrouting:\n${table}${more}`;
}
