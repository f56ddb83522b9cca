import { extname } from 'node:path';
import { dirname } from 'node:path';
import { ensureWritableDir, notWritable, refuseFolder, writeAtomic } from '../../engine/outputs.js';
import type { RunReport } from '../../report/types.js';
import { renderRunReport, type RunReportFormat } from '../render/run-report.js';
import { fsErrorText, LlmbatchError } from '../../errors.js';

const BY_EXT: Record<string, RunReportFormat> = { '.json': 'json', '.md': 'md', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'text' };

function formatOf(path: string): RunReportFormat {
  const format = BY_EXT[extname(path).toLowerCase()];
  if (!format) throw new LlmbatchError('usage', `--report ${path}: unknown extension`, 'Use .json, .md, .csv or .html');
  return format;
}

/** Before a run: a known extension and a folder the report can be written to. */
export async function checkReportPath(path: string): Promise<void> {
  formatOf(path);
  refuseFolder(`--report ${path}`, path);
  try {
    await ensureWritableDir(dirname(path));
  } catch (e) {
    throw notWritable(`--report ${path}`, e);
  }
}

/** A path as one shell word (the hint below is a command to copy). */
const shellWord = (s: string) => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/**
 * `--report FILE`: the format follows the extension; written atomically. After the run: its
 * results are written and the ledger holds it, so a failure here loses nothing — the hint says
 * how to get the report again (`cacheFlag`: the run's --cache, next to which its ledger sits).
 */
export async function saveReport(path: string, report: RunReport, cacheFlag?: string): Promise<void> {
  const format = formatOf(path);
  try {
    await writeAtomic(path, renderRunReport(report, format, { color: false }));
  } catch (e) {
    const again = `llmbatch report ${report.run_id}${cacheFlag ? ` --cache ${shellWord(cacheFlag)}` : ''} --format ${format}`;
    throw new LlmbatchError('output', `Cannot write --report ${path}: ${fsErrorText(e)}`,
      `The run finished and its results were written; once the problem is fixed, ${again} prints the report from the ledger.`, { cause: e });
  }
}
