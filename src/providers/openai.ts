/**
 * The OpenAI-compatible provider, over @langchain/openai's Chat Completions model. Any
 * compatible server works through the base URL (Ollama, vLLM, llama.cpp, LM Studio, LiteLLM,
 * OpenRouter). LangChain's own retries are off (maxRetries 0): llmbatch's runner owns the
 * retry policy, and must see every 429 to lower concurrency.
 *
 * A request goes through the model's `completionWithRetry` with the parameters LangChain itself
 * computes for the model (`invocationParams`), and the answer and usage are read from the wire
 * reply. This skips the Runnable layer of `invoke` (callbacks, tracing, message objects), which
 * llmbatch does not use and which cost about 0.2 ms of CPU per request (BENCHMARKS.md, "Client
 * overhead"). Under the OpenAI client, the transport is node:http (transport.ts).
 * The module is imported only when a request is about to be sent.
 */
import { ChatOpenAICompletions } from './langchain.js';
import { classifyError } from './classify.js';
import { createTransport } from './transport.js';
import { redact } from '../errors.js';
import { NOT_CHAT_HINT, ProviderError, serverId, type CompletionRequest, type CompletionResult, type Provider } from './types.js';

export interface OpenAIProviderOptions {
  baseUrl: string;
  /** Absent for local servers that need none; a placeholder is sent so the client accepts it. */
  apiKey?: string;
  timeoutMs: number;
}

interface Shape {
  model: ChatOpenAICompletions;
  params: Omit<ReturnType<ChatOpenAICompletions['invocationParams']>, 'stream'> & { stream: false };
}

interface ChatReply {
  choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
}

/**
 * The answer and usage of a Chat Completions reply. A 200 that is not one — a proxy's HTML page,
 * no choices, a choice without content (a content filter, a refusal) — is an error, never an
 * empty answer: the cache keeps answers, and an empty one would be served on every re-run.
 * (An empty string is an answer: the routing cascade can escalate on it.)
 */
export function readReply(data: unknown, secrets: readonly string[]): CompletionResult {
  const reply = (typeof data === 'object' && data !== null ? data : {}) as ChatReply;
  const choice = Array.isArray(reply.choices) ? reply.choices[0] : undefined;
  if (!choice?.message) {
    const why = typeof data === 'string'
      ? `the reply is not JSON: ${JSON.stringify(redact(data.trim(), secrets).slice(0, 80))}`
      : 'the reply has no choices';
    throw new ProviderError('not-chat', why + NOT_CHAT_HINT);
  }
  const usage = reply.usage
    ? { input_tokens: reply.usage.prompt_tokens ?? 0, output_tokens: reply.usage.completion_tokens ?? 0, cached_input_tokens: reply.usage.prompt_tokens_details?.cached_tokens ?? 0 }
    : null;
  const content = choice.message.content;
  if (typeof content !== 'string') {
    const refusal = choice.message.refusal;
    // No answer, but the server may still have billed the prompt: the usage goes with the error.
    throw new ProviderError('bad-reply', refusal
      ? `the model refused: ${redact(refusal, secrets).slice(0, 200)}`
      : `the reply has no content (finish_reason: ${choice.finish_reason ?? 'none'})`, undefined, undefined, usage ?? undefined);
  }
  return { content, finish_reason: choice.finish_reason ?? null, usage };
}

export function createOpenAIProvider(opts: OpenAIProviderOptions): Provider {
  const shapes = new Map<string, Shape>();
  const secrets = opts.apiKey ? [opts.apiKey] : [];
  const fetch = createTransport();

  /** One LangChain model per request shape, with the wire parameters it sends for that shape. */
  const modelFor = (req: CompletionRequest): Shape => {
    const key = `${req.model}\0${req.temperature ?? ''}\0${req.max_tokens}\0${req.response_format ?? ''}`;
    let shape = shapes.get(key);
    if (!shape) {
      const model = new ChatOpenAICompletions({
        model: req.model,
        apiKey: opts.apiKey ?? 'not-needed',
        configuration: { baseURL: opts.baseUrl, fetch },
        maxRetries: 0,
        temperature: req.temperature,
        maxTokens: req.max_tokens,
        timeout: opts.timeoutMs,
        streamUsage: false,
        modelKwargs: req.response_format === 'json' ? { response_format: { type: 'json_object' } } : undefined,
      });
      // llmbatch's runner owns concurrency (-c) and retries (maxRetries 0 above), so LangChain's
      // AsyncCaller would only wrap each request in a p-queue job and a p-retry loop that never
      // retries (~20 µs of CPU per request, BENCHMARKS.md "Where the rest goes"): the call is made
      // directly. completionWithRetry uses nothing else of the caller.
      model.caller.call = (callable, ...args) => callable(...args);
      // LangChain's own parameters for this model (max_tokens, or max_completion_tokens for
      // reasoning models; temperature; response_format), computed once, not per request.
      shape = { model, params: { ...model.invocationParams({}), stream: false } };
      shapes.set(key, shape);
    }
    return shape;
  };

  return {
    id: serverId(opts.baseUrl),
    async complete(req, { signal }) {
      const { model, params } = modelFor(req);
      try {
        return readReply(await model.completionWithRetry({ ...params, messages: req.messages }, { signal }), secrets);
      } catch (e) {
        throw classifyError(e, secrets, false, signal.aborted);
      }
    },
  };
}
