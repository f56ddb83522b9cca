/**
 * The commander program: every command and flag of the SPEC, declared here so `--help` shows
 * the whole tool. Actions import their command module lazily: `--help` and `--version` load
 * no LLM library, no tokenizer and no SQLite (SPEC §14).
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const collect = (v: string, prev: string[] = []) => [...prev, v];

type Action = (cmd: Command, ...args: any[]) => Promise<void>;
function lazy(load: () => Promise<{ default: Action }>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const mod = await load();
    await mod.default(cmd, ...args.slice(0, -2));
  };
}

function inputOptions(cmd: Command): Command {
  return cmd
    .option('--include <glob>', 'only files matching GLOB (repeatable)', collect)
    .option('--exclude <glob>', 'skip files matching GLOB (repeatable)', collect)
    .option('--text-field <name>', 'record field holding the text (default: text, content or body)')
    .option('--id-field <name>', 'record field holding the id (default: id)');
}

function promptOptions(cmd: Command, many: boolean, manyModels = many): Command {
  return cmd
    .option('-p, --prompt <name|file>', many ? 'prompt: built-in name, config prompt or file (repeatable)' : 'prompt: built-in name, config prompt or file', collect)
    .option('-m, --model <names>', manyModels ? 'model(s), comma-separated (default gpt-4o-mini)' : 'model (default gpt-4o-mini)')
    .option('--system <text|file>', 'set or override the system message')
    .option('--compress <list>', 'compression strategies applied in order: whitespace,dedupe,markup,extractive[:R],llm[:MODEL] or none' + (many ? ' (repeatable: one variant each)' : ''), collect)
    .option('--route <file>', 'routing rules file (JSON or YAML, a top-level routes: list)')
    .option('--max-output-tokens <n>', 'max output tokens per request')
    .option('--temperature <t>', 'sampling temperature');
}

function providerOptions(cmd: Command): Command {
  return cmd
    .option('--base-url <url>', 'OpenAI-compatible server (env OPENAI_BASE_URL): Ollama, vLLM, llama.cpp, LiteLLM…')
    .option('--api-key-env <name>', 'environment variable holding the API key (default OPENAI_API_KEY)');
}

/** `outputs: false` (compare): --out, --report and --metrics are hidden; compare refuses them with a hint. */
function runOptions(cmd: Command, { outputs = true } = {}): Command {
  const output = (flags: string, description: string) => (outputs ? new Option(flags, description) : new Option(flags).hideHelp());
  return providerOptions(cmd)
    .option('-c, --concurrency <n>', 'requests in flight at most (default 8)')
    .option('--rpm <n>', 'requests per minute limit')
    .option('--tpm <n>', 'tokens per minute limit (prompt + max output tokens)')
    .option('--retries <n>', 'retries on 408/409/429/5xx, network errors and timeouts (default 6)')
    .option('--timeout <seconds>', 'per-request timeout (default 120)')
    .option('--budget <usd>', 'refuse to start above this estimate; stop dispatching when spend reaches it')
    .option('--dry-run', 'do everything but call the model: print the estimate')
    .option('--grace <seconds>', 'on Ctrl-C, time given to in-flight requests (default 10)')
    .option('--cache <path|redis-url>', 'cache file (default $XDG_CACHE_HOME/llmbatch/cache.sqlite; redis:// not yet available)')
    .option('--no-cache', 'neither read nor write the cache')
    .option('--cache-ttl <duration>', 'cache entries expire after 1h, 7d, … (default never)')
    .addOption(output('-o, --out <path>', 'results: a .jsonl file, or a folder (one file per document); default JSONL on stdout'))
    .addOption(output('--report <file>', 'also save the run report (.json, .md, .csv, .html)'))
    .addOption(output('--metrics <file.prom>', 'write Prometheus metrics at the end of the run (not yet available)'))
    .option('--queue <redis-url>', 'distribute the documents as BullMQ jobs to `llmbatch worker`s (not yet available)');
}

function formatOption(cmd: Command, formats: string[]): Command {
  return cmd.addOption(new Option('--format <format>', 'output format').choices(formats));
}

export function buildProgram(): Command {
  const program = new Command('llmbatch')
    .description('Run LLM prompts over batches of documents fast, cheaply and safely — and know what they cost.')
    .version(pkg.version, '-V, --version')
    .option('--config <file>', 'config file (default ./llmbatch.config.json or .yaml)')
    .option('--json', 'machine-readable JSON on stdout (same as --format json)')
    .option('-q, --quiet', 'errors only on stderr')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--debug', 'stack traces on errors')
    .showSuggestionAfterError()
    .exitOverride();

  for (const name of ['run', 'summarize']) {
    const cmd = program
      .command(name)
      .description(name === 'run' ? 'run a prompt over documents' : 'summarize documents (run with -p summarize)')
      .argument('<inputs...>', 'files, folders, quoted globs, or - for stdin');
    inputOptions(promptOptions(cmd, false));
    runOptions(cmd);
    cmd.action(lazy(() => import('./commands/run.js')));
  }

  const compare = program
    .command('compare')
    .description('prompt variants × models × compression side by side: tokens, cost (offline) or measured (--live)')
    .argument('<inputs...>', 'files, folders, quoted globs, or - for stdin');
  inputOptions(promptOptions(compare, true));
  runOptions(compare, { outputs: false })
    .option('--live', 'run every variant (through the cache) and measure')
    .option('--baseline <name>', 'variant to compare against (default: the first)')
    .option('--max-cost <usd>', 'gate: exit 3 when a variant costs more')
    .option('--max-increase <pct>', 'gate: exit 3 when a variant costs more than the baseline by more than PCT')
    .option('--fill-ratio <r>', 'offline: share of max output tokens assumed used when no history (default 0.35)');
  formatOption(compare, ['table', 'json', 'md', 'csv', 'html']).action(lazy(() => import('./commands/compare.js')));

  const estimate = program
    .command('estimate')
    .description('tokens and cost per model, offline; flags documents over a context window')
    .argument('<inputs...>', 'files, folders, quoted globs, or - for stdin');
  inputOptions(promptOptions(estimate, false, true))
    .option('--by-file', 'one row per document')
    .option('--top <n>', 'show the N largest documents (default 5)')
    .option('--fill-ratio <r>', 'share of max output tokens assumed used (default 0.35)');
  formatOption(estimate, ['table', 'json', 'md', 'csv']).action(lazy(() => import('./commands/estimate.js')));

  const report = program
    .command('report')
    .description('re-render past runs from the ledger; two runs side by side')
    .argument('[runs...]', 'run id(s) or "last" (default last)')
    .option('--list', 'recent runs')
    .option('--limit <n>', 'with --list: how many (default 20)')
    .option('--cache <path>', 'the cache of those runs: the ledger sits next to it');
  formatOption(report, ['text', 'json', 'md', 'csv', 'html']).action(lazy(() => import('./commands/report.js')));

  formatOption(program.command('models').description('the model registry: prices, context windows, encodings'), ['table', 'json', 'md', 'csv'])
    .action(lazy(() => import('./commands/models.js')));

  const cache = program.command('cache').description('inspect and maintain the cache');
  for (const [sub, desc] of [['stats', 'entries, size, oldest and newest entry'], ['clear', 'delete every entry'], ['prune', 'delete old entries']] as const) {
    const c = cache.command(sub).description(desc).option('--cache <path|redis-url>', 'cache location');
    if (sub === 'prune') c.option('--older-than <duration>', 'e.g. 30d', '30d');
    c.action(lazy(() => import('./commands/cache.js')));
  }

  const worker = program.command('worker').description('process queued jobs (distributed mode; not yet available)').option('--queue <redis-url>', 'BullMQ queue on Redis');
  providerOptions(worker)
    .option('-c, --concurrency <n>', 'requests in flight at most (default 8)')
    .option('--rpm <n>', 'requests per minute, global across workers')
    .option('--cache <path|redis-url>', 'cache location')
    .option('--no-cache', 'no cache')
    .option('--metrics-port <n>', 'serve Prometheus /metrics on this port')
    .action(lazy(() => import('./commands/worker.js')));

  const batch = program.command('batch').description("the provider's Batch API: half price, results within 24 h (not yet available)");
  const submit = batch.command('submit').description('build, upload and create a batch').argument('<inputs...>');
  inputOptions(promptOptions(submit, false));
  runOptions(submit).action(lazy(() => import('./commands/batch.js')));
  providerOptions(batch.command('status').description('status of a batch (or all recorded)').argument('[id]')).action(lazy(() => import('./commands/batch.js')));
  providerOptions(batch.command('collect').description('fetch results, write outputs, fill the cache').argument('<id>').option('-o, --out <path>', 'results path'))
    .option('--cache <path|redis-url>', 'cache location')
    .action(lazy(() => import('./commands/batch.js')));

  return program;
}
