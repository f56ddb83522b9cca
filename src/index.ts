/**
 * The programmatic API: the same core the CLI calls. Every function takes data and returns
 * data; none prints, reads the environment or exits.
 */
export { readInputs } from './documents/index.js';
export type { Document, InputItem, InputOptions } from './documents/index.js';
export { resolvePrompt, renderMessages, BUILTIN_PROMPTS, type PromptTemplate } from './prompt/index.js';
export { ModelRegistry, costOf, type ModelInfo } from './models/index.js';
export { countTokens, countChat, TokenCounter } from './tokens/index.js';
export { estimate, type EstimateOptions } from './plan/estimate.js';
export { planRun, type RunPlan } from './plan/run-plan.js';
export { compareOffline, compareLive } from './plan/compare.js';
export { compressionPlan, makeTransform, boilerplateFor } from './plan/compression.js';
export { runBatch, newRunId, type RunOptions, type RunDeps, type RunOutcome } from './engine/runner.js';
export { JsonlFileSink, FolderSink, type OutputRecord, type ResultSink } from './engine/outputs.js';
export { createOpenAIProvider } from './providers/openai.js';
export type { Provider, CompletionRequest, CompletionResult } from './providers/types.js';
export { CompletionCache, cacheKey } from './cache/index.js';
export { Ledger } from './ledger/index.js';
export { compileRoutes, chooseRoute } from './route/index.js';
export { summarizeRun } from './report/run.js';
export type { RunReport, EstimateResult, CompareResult, UsageRecord } from './report/types.js';
export { LlmbatchError, ExitCode } from './errors.js';
