/**
 * The OpenAI-compatible provider, over @langchain/openai's Chat Completions model. Any
 * compatible server works through the base URL (Ollama, vLLM, llama.cpp, LM Studio, LiteLLM,
 * OpenRouter). LangChain's own retries are off (maxRetries 0): llmbatch's runner owns the
 * retry policy, and must see every 429 to lower concurrency.
 * The module is imported only when a request is about to be sent.
 */
import { ChatOpenAICompletions } from '@langchain/openai';
import type { BaseMessageLike } from '@langchain/core/messages';
import { classifyError } from './classify.js';
import { serverId, type CompletionRequest, type CompletionResult, type Provider } from './types.js';

export interface OpenAIProviderOptions {
  baseUrl: string;
  /** Absent for local servers that need none; a placeholder is sent so the client accepts it. */
  apiKey?: string;
  timeoutMs: number;
}

export function createOpenAIProvider(opts: OpenAIProviderOptions): Provider {
  const models = new Map<string, ChatOpenAICompletions>();
  const secrets = opts.apiKey ? [opts.apiKey] : [];

  const modelFor = (req: CompletionRequest): ChatOpenAICompletions => {
    const key = `${req.model}\0${req.temperature ?? ''}\0${req.max_tokens}\0${req.response_format ?? ''}`;
    let m = models.get(key);
    if (!m) {
      m = new ChatOpenAICompletions({
        model: req.model,
        apiKey: opts.apiKey ?? 'not-needed',
        configuration: { baseURL: opts.baseUrl },
        maxRetries: 0,
        temperature: req.temperature,
        maxTokens: req.max_tokens,
        timeout: opts.timeoutMs,
        streamUsage: false,
        modelKwargs: req.response_format === 'json' ? { response_format: { type: 'json_object' } } : undefined,
      });
      models.set(key, m);
    }
    return m;
  };

  return {
    id: serverId(opts.baseUrl),
    async complete(req, { signal }) {
      const model = modelFor(req);
      try {
        const msg = await model.invoke(req.messages.map((m) => [m.role, m.content] as BaseMessageLike), { signal });
        const usage = msg.usage_metadata;
        const meta = msg.response_metadata as { finish_reason?: string };
        const content = typeof msg.content === 'string' ? msg.content : msg.content.map((c) => ('text' in c ? c.text : '')).join('');
        const result: CompletionResult = {
          content,
          finish_reason: meta?.finish_reason ?? null,
          usage: usage
            ? { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cached_input_tokens: usage.input_token_details?.cache_read ?? 0 }
            : null,
        };
        return result;
      } catch (e) {
        throw classifyError(e, secrets, false, signal.aborted);
      }
    },
  };
}
