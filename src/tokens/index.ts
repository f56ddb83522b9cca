export { countTokens, encodeTokens, decodeTokens, getEncoder, freeEncoders } from './encoder.js';
export { countChat, chatOverhead, type ChatMessage } from './chat.js';
export { TokenCounter, type CounterOptions } from './pool.js';
