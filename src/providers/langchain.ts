/**
 * The one piece of LangChain llmbatch loads at run time. `npm run build` replaces the compiled
 * file with a single-file bundle of it and its dependencies (scripts/bundle-provider.js):
 * loading @langchain/openai module by module took about 450 ms of every cold run's start
 * (hundreds of files resolved and linked); the bundle loads in under 100 ms.
 * Tests running the TypeScript sources load the package itself.
 */
export { ChatOpenAICompletions } from '@langchain/openai';
