import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { RunReport } from '../../report/types.js';
import { renderRunReport, type RunReportFormat } from '../render/run-report.js';
import { LlmbatchError } from '../../errors.js';

const BY_EXT: Record<string, RunReportFormat> = { '.json': 'json', '.md': 'md', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'text' };

/** `--report FILE`: the format follows the extension; written atomically. */
export async function saveReport(path: string, report: RunReport): Promise<void> {
  const format = BY_EXT[extname(path).toLowerCase()];
  if (!format) throw new LlmbatchError('usage', `--report ${path}: unknown extension`, 'Use .json, .md, .csv or .html');
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, renderRunReport(report, format, { color: false }));
  await rename(tmp, path);
}
