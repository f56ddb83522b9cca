export { compileRoutes, chooseRoute, routesCountTokens, shouldEscalate, parseEscalate, type CompiledRule, type RouteChoice, type RouteInput, type Escalation } from './rules.js';
export { splitIntoChunks, type Tokenizer } from './chunk.js';
