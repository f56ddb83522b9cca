/**
 * YAML parsing, loaded on first use: most runs read no YAML file, and the parser's modules cost
 * every start-up of a run some milliseconds of loading.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;
const load = (): Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);

export function parseYaml(text: string): unknown {
  return load().parse(text);
}

/**
 * `FILE:LINE:COL: not valid YAML: REASON` for a parse error of `text`, read from `path`. The
 * library's message ends with "at line L, column C:" and a code excerpt with a caret over
 * several lines; an error is one line, so the place goes up front in the form editors and
 * terminals open, and the excerpt goes. An alias to an anchor not set before it fails later,
 * with no place: it is found in the document.
 */
export function yamlErrorMessage(path: string, text: string, err: unknown): string {
  const e = err as { message?: string; linePos?: { line: number; col: number }[] };
  const reason = String(e?.message ?? err).replace(/ at line \d+, column \d+:[\s\S]*$/, '').split('\n')[0];
  const at = e?.linePos?.[0] ?? unresolvedAlias(text);
  return `${path}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${reason}`;
}

/** Line and column (1-based) of the first alias whose anchor is not set before it. */
function unresolvedAlias(text: string): { line: number; col: number } | undefined {
  try {
    const { LineCounter, parseDocument, visit, isAlias } = load();
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const anchors = new Set<string>();
    let at: number | undefined;
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) {
          if (!anchors.has(node.source)) at = node.range?.[0];
          if (at !== undefined) return visit.BREAK;
        } else if (node.anchor) anchors.add(node.anchor);
      },
    });
    return at === undefined ? undefined : lines.linePos(at);
  } catch {
    return undefined;
  }
}
