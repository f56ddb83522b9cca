/**
 * YAML parsing, loaded on first use: most runs read no YAML file, and the parser's modules cost
 * every start-up of a run some milliseconds of loading.
 */
import { createRequire } from 'node:module';

let parser: ((text: string) => unknown) | undefined;

export function parseYaml(text: string): unknown {
  parser ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return parser(text);
}
