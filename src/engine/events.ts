import type { ProviderError } from '../providers/types.js';

export interface Progress {
  /** Documents read so far (the total once `inputDone`). */
  discovered: number;
  inputDone: boolean;
  done: number;
  failed: number;
  cached: number;
  skipped: number;
  inputTokens: number;
  outputTokens: number;
  /** USD spent on requests actually sent; null once any price is unknown. */
  spent: number | null;
  inFlight: number;
  /** Requests retried so far (429, 5xx, timeouts, dropped connections), and the last reason. */
  retries: number;
  lastRetry: string | null;
}

export type RunEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'retry'; id: string; attempt: number; error: ProviderError; delayMs: number }
  | { type: 'concurrency'; value: number }
  | { type: 'warning'; message: string }
  | { type: 'stopping'; reason: 'signal' | 'budget' | 'fatal' };
