/** Entry point: parse, run one command, map any error to its exit code (SPEC §14). */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { formatError } from './render/error.js';
import { knownSecrets, makeCli } from './context.js';
import { isLlmbatchError } from '../errors.js';
import { watchStdout } from './stdout.js';

watchStdout();
const argv = process.argv;
const program = buildProgram();

try {
  await program.parseAsync(argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version exit 0; every parse error is a usage error.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const flags = program.opts();
    const cli = makeCli(flags);
    cli.stderr.write(formatError(err, { color: cli.colorErr, debug: Boolean(flags.debug) || argv.includes('--debug'), secrets: knownSecrets }));
    process.exitCode = isLlmbatchError(err) ? err.exitCode : 1;
  }
}
