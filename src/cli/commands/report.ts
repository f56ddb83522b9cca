import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { LlmbatchError } from '../../errors.js';
import { Ledger } from '../../ledger/index.js';
import type { RunReport } from '../../report/types.js';
import { renderRunDiff, renderRunList, type RunListFormat } from '../render/run-diff.js';
import { renderRunReport, type RunReportFormat } from '../render/run-report.js';
import { checkStorePaths } from './services.js';
import { setup, writeStdout } from './shared.js';

const FORMATS: readonly RunReportFormat[] = ['text', 'json', 'md', 'csv', 'html'];

export default async function reportCommand(cmd: Command, runs: string[] = []): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  const format = (settings.format === 'table' ? 'text' : settings.format ?? 'text') as RunReportFormat;
  if (!FORMATS.includes(format)) throw new LlmbatchError('usage', `report cannot print format "${format}"`, `Use --format ${FORMATS.join('|')}.`);
  if (runs.length > 2) throw new LlmbatchError('usage', `report takes at most two runs, got ${runs.length}`, 'Use: llmbatch report [RUN|last], or llmbatch report A B to compare two runs.');
  if (flags.list && runs.length > 0) throw new LlmbatchError('usage', '--list takes no run ids', 'Use: llmbatch report --list [--limit N]');
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new LlmbatchError('usage', `--limit must be a whole number ≥ 1, got "${flags.limit}"`);

  // Reading must not create an empty ledger where none was.
  if (!existsSync(settings.ledgerPath)) {
    throw new LlmbatchError('usage', `No runs recorded yet: there is no ledger at ${settings.ledgerPath}`,
      'Runs are recorded by llmbatch run / summarize / compare --live; the ledger sits next to the cache (--cache or LLMBATCH_CACHE).');
  }
  checkStorePaths(settings, { cache: false, ledger: true });
  const ledger = await Ledger.open(settings.ledgerPath);
  const color = { color: cli.colorOut.level > 0 };
  try {
    if (flags.list) {
      if (format === 'html') throw new LlmbatchError('usage', '--list prints text, json, md or csv', 'Drop --format html, or pick a run: llmbatch report RUN --format html');
      writeStdout(cli, renderRunList(await ledger.listRuns(limit), format as RunListFormat, color));
      return;
    }
    const reports: RunReport[] = [];
    for (const id of runs.length > 0 ? runs : ['last']) reports.push(await find(ledger, id));
    writeStdout(cli, reports.length === 2 ? renderRunDiff(reports[0], reports[1], format, color) : renderRunReport(reports[0], format, color));
  } finally {
    await ledger.close();
  }
}

async function find(ledger: Ledger, id: string): Promise<RunReport> {
  const report = await ledger.getReport(id);
  if (report) return report;
  if (id === 'last') {
    throw new LlmbatchError('usage', `No run in the ledger ${ledger.path}`, 'Run llmbatch run / summarize first; llmbatch report --list shows what is recorded.');
  }
  throw new LlmbatchError('usage', `No run "${id}" in the ledger ${ledger.path}`, 'llmbatch report --list shows the recent runs and their ids.');
}
