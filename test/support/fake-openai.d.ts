// Types for test/support/fake-openai.js, the loopback OpenAI-compatible test server.

/** What a responder receives for each chat request (HTTP or batch line). */
export interface RespondRequest {
  model: string;
  messages: any[];
  /** The full parsed request body. */
  body: any;
  /** Request headers with credentials replaced by "REDACTED" ({} for batch lines). */
  headers: Record<string, string | string[] | undefined>;
  source: 'http' | 'batch';
}

export interface RespondResult {
  /** null is sent as `content: null` (OpenAI's filtered reply or refusal). */
  content?: string | null;
  finish_reason?: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  /** Merged over the computed usage; total_tokens is recomputed unless given. */
  usage?: Partial<ChatUsage>;
  /** Reply with this HTTP error instead (its standard OpenAI error body, `error` merged in). */
  status?: number;
  error?: { message?: string; type?: string; param?: string | null; code?: string | null };
  /** Extra delay for this reply only, after latencyMs. */
  delayMs?: number;
}

export type Responder = (req: RespondRequest) => string | RespondResult | Promise<string | RespondResult>;

export interface FakeOpenAIOptions {
  /** Fixed delay before every chat reply, errors included (default 0). */
  latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs) (seeded). */
  jitterMs?: number;
  /** Delay between streamed content chunks (default 0). */
  streamChunkDelayMs?: number;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Known model ids; '*' (or a '*' entry) accepts any. Unknown → 404 model_not_found. */
  models?: readonly string[] | '*';
  /** Context window per model: prompt tokens + max tokens above it → 400 context_length_exceeded. */
  contextLimits?: Record<string, number>;
  /** Fraction (0..1) of chat requests answered 429 with retry-after / retry-after-ms. */
  fail429Rate?: number;
  fail500Rate?: number;
  fail503Rate?: number;
  /** Fraction of chat requests whose socket is destroyed without a response. */
  dropRate?: number;
  /** Retry-after of injected 429s in ms (default 50); `retry-after` is its ceiling in seconds. */
  retryAfterMs?: number;
  /** Model → HTTP status it always fails with (e.g. { 'gpt-4o': 500 }). Applies to batch lines too. */
  failModels?: Record<string, number>;
  /** The next N chat requests fail with 500 (re-armed by setOptions({failFirst}) and reset()). */
  failFirst?: number;
  /** Seed of the PRNG behind the injected failures and jitter (default 42). */
  seed?: number;
  /** A batch completes on the first GET /v1/batches/:id at least this long after creation (default 0). */
  batchDelayMs?: number;
  /** Replaces the built-in responder. */
  respond?: Responder;
  /** Keep stats.log entries (default true; the CLI defaults to false). Turn off for big benchmarks. */
  recordLog?: boolean;
  /** Values of the x-ratelimit-limit-* headers. */
  rateLimitRequests?: number;
  rateLimitTokens?: number;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number; [k: string]: number };
}

export interface LogEntry {
  source: 'http' | 'batch';
  model: string | undefined;
  messages: any[] | undefined;
  /** Full parsed request body (undefined when unparseable or unauthorised). */
  body: any;
  /** Request headers, authorization REDACTED. */
  headers: Record<string, string | string[] | undefined>;
  /** HTTP status sent; 0 when dropped or aborted by the client; null while in flight. */
  status: number | null;
  startedAt: number;
  endedAt: number | null;
  /** Reply content and usage, for successful replies. */
  content?: string;
  usage?: ChatUsage;
  batchId?: string;
  customId?: string;
}

export interface FakeOpenAIStats {
  /** Chat completion HTTP requests received (any outcome). */
  requests: number;
  /** Chat completion HTTP requests answered 200 in full. */
  completed: number;
  /** Sockets destroyed on purpose (dropRate). */
  dropped: number;
  /** Requests whose client went away before the reply. */
  aborted: number;
  /** Batch lines run through the responder. */
  batchRequests: number;
  /** Status code → count, for chat HTTP replies. */
  byStatus: Record<number, number>;
  /** Model → chat HTTP requests received for it. */
  byModel: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  log: LogEntry[];
  /** Clear counters and log in place (requests still in flight stay counted). */
  reset(): void;
}

export interface FakeOpenAI {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/v1 */
  baseURL: string;
  port: number;
  /** Live: the same object is updated as requests arrive. */
  stats: FakeOpenAIStats;
  /** A copy of the current options. */
  readonly options: FakeOpenAIOptions;
  /** Change options at run time; unknown keys throw. */
  setOptions(partial: Partial<FakeOpenAIOptions>): void;
  /** stats.reset(), re-seed the PRNG, re-arm failFirst. Options, files and batches are kept. */
  reset(): void;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

export const DEFAULT_MODELS: readonly string[];

export function startFakeOpenAI(options?: FakeOpenAIOptions & { port?: number }): Promise<FakeOpenAI>;

/** The built-in responder. */
export function defaultRespond(req: RespondRequest): RespondResult;

/** Deterministic prompt token count: Σ ceil(chars/4) + 4 per message. */
export function fakePromptTokens(messages: any[]): number;

/** Deterministic completion token count: ceil(chars/4), capped at maxTokens. */
export function fakeCompletionTokens(text: string, maxTokens?: number): number;

/** The masked key form used in 401 messages. */
export function maskKey(key: string): string;

/** Text of a message's content (string or array of text parts). */
export function messageText(message: any): string;
