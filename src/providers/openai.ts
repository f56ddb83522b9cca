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
import { serverId, type CompletionRequest, type CompletionResult, type Provider } from './types.js';

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
        const data = await model.completionWithRetry({ ...params, messages: req.messages }, { signal });
        const choice = data.choices?.[0];
        const usage = data.usage;
        const result: CompletionResult = {
          content: choice?.message?.content ?? '',
          finish_reason: choice?.finish_reason ?? null,
          usage: usage
            ? { input_tokens: usage.prompt_tokens ?? 0, output_tokens: usage.completion_tokens ?? 0, cached_input_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 }
            : null,
        };
        return result;
      } catch (e) {
        throw classifyError(e, secrets, false, signal.aborted);
      }
    },
  };
}
