/** `llmbatch models`: the registry, with unknown prices as `?` (never $0). */
import type { ModelInfo } from '../../models/types.js';
import { formatInt, formatPrice, formatShare, makeChalk, type RenderOptions } from './format.js';
import { mdTable, toCsv } from './markup.js';
import { textTable } from './table.js';

export type ModelsFormat = 'table' | 'json' | 'md' | 'csv';

const HEADER = ['model', 'provider', 'input $/1M', 'output $/1M', 'cached $/1M', 'batch discount', 'context', 'max output', 'encoding', 'checked'];
const RIGHT = [false, false, true, true, true, true, true, true, false, false];
const NOTE = 'Prices in USD per 1M tokens; ? = unknown. ≈ = counts use an approximate encoding (the model\'s own tokenizer is not public).';

function cells(m: ModelInfo): string[] {
  return [
    m.name,
    m.provider,
    formatPrice(m.input),
    formatPrice(m.output),
    formatPrice(m.cached_input),
    m.batch_discount > 0 ? formatShare(m.batch_discount) : '–',
    formatInt(m.context),
    formatInt(m.max_output),
    m.exact ? m.encoding : `${m.encoding} ≈`,
    m.checked,
  ];
}

export function renderModels(models: ModelInfo[], format: ModelsFormat, opts: RenderOptions): string {
  switch (format) {
    case 'json': return JSON.stringify(models, null, 2) + '\n';
    case 'md': return `${mdTable(HEADER, models.map(cells), RIGHT)}\n\n<sub>${NOTE}</sub>\n`;
    case 'csv':
      return toCsv(
        ['name', 'provider', 'input', 'output', 'cached_input', 'batch_discount', 'context', 'max_output', 'encoding', 'exact', 'checked', 'aliases'],
        models.map((m) => [m.name, m.provider, m.input, m.output, m.cached_input, m.batch_discount, m.context, m.max_output,
          m.encoding, m.exact, m.checked, (m.aliases ?? []).join(' ')]),
      );
    case 'table': {
      const c = makeChalk(opts);
      const table = textTable(HEADER.map((h, i) => ({ header: h, align: RIGHT[i] ? 'right' : 'left' })), models.map(cells), { header: c.bold });
      return `${table}\n${c.dim(NOTE)}\n`;
    }
  }
}
