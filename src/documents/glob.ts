/**
 * Glob inputs and --include/--exclude filters, both on top of picomatch.
 * A glob input is walked from its static base (the part before the first magic character);
 * its pattern is matched against paths relative to that base, which is also the id root.
 */
import picomatch from 'picomatch';

export interface GlobInput {
  /** Static base folder, as written (may be relative to cwd); '.' when the glob starts with magic. */
  base: string;
  /** The rest of the glob, matched against paths relative to `base`. */
  pattern: string;
  /** How many folder levels below `base` can match: Infinity when the pattern has `**`. */
  maxDepth: number;
  match: (rel: string) => boolean;
}

export function isGlob(input: string): boolean {
  return picomatch.scan(input).isGlob;
}

export function parseGlob(input: string): GlobInput {
  const scan = picomatch.scan(input);
  const base = scan.base === '' ? '.' : scan.base;
  const pattern = scan.glob;
  const maxDepth = pattern.includes('**') ? Infinity : pattern.split('/').length - 1;
  return { base, pattern, maxDepth, match: picomatch(pattern) };
}

/**
 * A glob without `/` also matches the basename, so `--include '*.md'` means "Markdown files
 * anywhere", the way users type it; a glob with `/` is anchored at the input root.
 */
function compile(globs: readonly string[]): ((rel: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const matchers = globs.map((g) => picomatch(g, { basename: !g.includes('/') }));
  return (rel) => matchers.some((m) => m(rel));
}

export interface PathFilter {
  /** Whether a file (path relative to the input root) is read. */
  acceptFile: (rel: string) => boolean;
  /** Whether a folder (at `depth` below the root, from 1) is left out of the walk. */
  pruneDir: (rel: string, depth: number) => boolean;
}

export function makeFilter(include: readonly string[] = [], exclude: readonly string[] = []): PathFilter {
  const inc = compile(include);
  const exc = compile(exclude);
  return {
    acceptFile: (rel) => (inc === undefined || inc(rel)) && !(exc !== undefined && exc(rel)),
    // An exclude glob that names a folder (`--exclude vendor`) prunes it.
    pruneDir: (rel) => exc !== undefined && exc(rel),
  };
}

/**
 * The walk filter of a glob input, on top of the user's filter. Like a shell, a glob that
 * matches a folder takes everything under it (`"docs/*"` includes `docs/guides/a.md`).
 */
export function globFilter(glob: GlobInput, user?: PathFilter): PathFilter {
  const inMatchedDir = (rel: string): boolean => {
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (glob.match(rel.slice(0, i))) return true;
    return false;
  };
  const matches = (rel: string): boolean => glob.match(rel) || inMatchedDir(rel);
  return {
    acceptFile: (rel) => matches(rel) && (user === undefined || user.acceptFile(rel)),
    pruneDir: (rel, depth) =>
      (user !== undefined && user.pruneDir(rel, depth)) || (depth > glob.maxDepth && !matches(rel)),
  };
}
