import { parentPort } from 'node:worker_threads';
import { countChat, type ChatMessage } from './chat.js';
import { countTokens } from './encoder.js';
import type { Encoding } from '../models/types.js';

export interface CountJob {
  id: number;
  encoding: Encoding;
  /** Each item is a whole chat request (messages) or a bare text. */
  items: (ChatMessage[] | string)[];
}

parentPort?.on('message', (job: CountJob) => {
  const counts = job.items.map((item) =>
    typeof item === 'string' ? countTokens(item, job.encoding) : countChat(item, job.encoding),
  );
  parentPort!.postMessage({ id: job.id, counts });
});
