/**
 * The one error type. Run-level problems throw it; per-document problems never do
 * (they become result records). The CLI maps `exitCode` once, in src/cli/main.ts.
 * Exit codes are the contract of SPEC §14.
 */
export const ExitCode = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  gate: 3,
  provider: 4,
  interrupted: 130,
} as const;

export type ErrorCode =
  | 'usage'
  | 'config'
  | 'input'
  | 'cache'
  | 'ledger'
  | 'output'
  | 'budget'
  | 'gate'
  | 'auth'
  | 'quota'
  | 'model-not-found'
  | 'unreachable'
  | 'server-failing'
  | 'not-available'
  | 'interrupted'
  | 'internal';

const exitFor: Record<ErrorCode, number> = {
  usage: ExitCode.usage,
  config: ExitCode.usage,
  input: ExitCode.usage,
  cache: ExitCode.usage,
  ledger: ExitCode.usage,
  output: ExitCode.someFailed,
  'not-available': ExitCode.usage,
  budget: ExitCode.gate,
  gate: ExitCode.gate,
  auth: ExitCode.provider,
  quota: ExitCode.provider,
  'model-not-found': ExitCode.provider,
  // Not a refusal (exit 4 is the provider saying no): documents failed because nothing answered.
  unreachable: ExitCode.someFailed,
  'server-failing': ExitCode.someFailed,
  interrupted: ExitCode.interrupted,
  internal: 1,
};

export class LlmbatchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmbatchError';
    this.code = code;
    this.exitCode = exitFor[code];
    this.hint = hint;
  }
}

const FS_TEXT: Record<string, (path: string) => string> = {
  EEXIST: (p) => `${p} is a file, not a folder`,
  ENOTDIR: (p) => `a part of ${p} is a file, not a folder`,
  EISDIR: (p) => `${p} is a folder`,
  ENOENT: (p) => `cannot create ${p}`,
  EACCES: (p) => `permission denied (${p})`,
  EPERM: (p) => `permission denied (${p})`,
  EROFS: (p) => `read-only file system (${p})`,
  ENOSPC: () => 'no space left on the device',
  EDQUOT: () => 'disk quota exceeded',
};

/** A file-system error in words, for creating or writing a file ("X is a file, not a folder"). */
export function fsErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = err?.code ? FS_TEXT[err.code] : undefined;
  // A rename (the last step of an atomic write) names both paths; the destination is the one in the way.
  if (text) return text((err.code === 'EISDIR' ? (err as { dest?: string }).dest : undefined) ?? err.path ?? '?');
  return err?.code ? `${err.code}${err.path ? ` (${err.path})` : ''}` : String(err?.message ?? e);
}

export const isLlmbatchError = (e: unknown): e is LlmbatchError => e instanceof LlmbatchError;

const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_\-]{8,}/g,
  /\b(Bearer)\s+[A-Za-z0-9._\-~+/]{8,}=*/gi,
  /\b(api[_-]?key["']?\s*[:=]\s*["']?)[A-Za-z0-9._\-]{8,}/gi,
  // A password in a URL (a proxy with basic auth: https://user:password@host/v1).
  /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi,
];

/** Redact anything that looks like a key. `extra` holds the literal secrets in use (the API key). */
export function redact(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const s of extra) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  out = out.replace(SECRET_PATTERNS[0], 'sk-[REDACTED]');
  out = out.replace(SECRET_PATTERNS[1], '$1 [REDACTED]');
  out = out.replace(SECRET_PATTERNS[2], '$1[REDACTED]');
  out = out.replace(SECRET_PATTERNS[3], '$1[REDACTED]@');
  return out;
}
