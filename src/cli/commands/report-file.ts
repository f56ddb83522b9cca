import { extname } from 'node:path';
import { dirname } from 'node:path';
import { ensureWritableDir, notWritable, writeAtomic, writeFailed } from '../../engine/outputs.js';
import type { RunReport } from '../../report/types.js';
import { renderRunReport, type RunReportFormat } from '../render/run-report.js';
import { LlmbatchError } from '../../errors.js';

const BY_EXT: Record<string, RunReportFormat> = { '.json': 'json', '.md': 'md', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'text' };

function formatOf(path: string): RunReportFormat {
  const format = BY_EXT[extname(path).toLowerCase()];
  if (!format) throw new LlmbatchError('usage', `--report ${path}: unknown extension`, 'Use .json, .md, .csv or .html');
  return format;
}

/** Before a run: a known extension and a folder the report can be written to. */
export async function checkReportPath(path: string): Promise<void> {
  formatOf(path);
  try {
    await ensureWritableDir(dirname(path));
  } catch (e) {
    throw notWritable(`--report ${path}`, e);
  }
}

/** `--report FILE`: the format follows the extension; written atomically. */
export async function saveReport(path: string, report: RunReport): Promise<void> {
  const format = formatOf(path);
  try {
    await writeAtomic(path, renderRunReport(report, format, { color: false }));
  } catch (e) {
    throw writeFailed(path, e);
  }
}
