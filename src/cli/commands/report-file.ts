import { extname } from 'node:path';
import { writeAtomic } from '../../engine/outputs.js';
import type { RunReport } from '../../report/types.js';
import { renderRunReport, type RunReportFormat } from '../render/run-report.js';
import { LlmbatchError } from '../../errors.js';

const BY_EXT: Record<string, RunReportFormat> = { '.json': 'json', '.md': 'md', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'text' };

/** `--report FILE`: the format follows the extension; written atomically. */
export async function saveReport(path: string, report: RunReport): Promise<void> {
  const format = BY_EXT[extname(path).toLowerCase()];
  if (!format) throw new LlmbatchError('usage', `--report ${path}: unknown extension`, 'Use .json, .md, .csv or .html');
  await writeAtomic(path, renderRunReport(report, format, { color: false }));
}
