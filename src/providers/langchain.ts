/**
 * The one piece of LangChain llmbatch loads at run time. `npm run build` replaces the compiled
 * file with a loader of a single-file CommonJS bundle of it and its dependencies
 * (scripts/bundle-provider.js), compiled from a V8 code cache the build writes next to it
 * (bundle-loader.ts): loading @langchain/openai module by module took about 450 ms of every
 * cold run's start (hundreds of files resolved and linked); the bundle loads in ~35 ms
 * (~65 ms without the cache). Tests running the TypeScript sources load the package itself.
 */
export { ChatOpenAICompletions } from '@langchain/openai';
