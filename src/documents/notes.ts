import type { Document } from './types.js';

const EXAMPLES = 3;

/**
 * Documents that carry a note (a `.json` file read as one text document, not as records),
 * summed up as one warning however many there are: a folder of 5,000 JSON files says so once.
 * Memory stays flat: a count and the first few.
 */
export function readNotes(): { add(doc: Pick<Document, 'path' | 'note'>): void; warning(): string | undefined } {
  let count = 0;
  const first: { path: string; note: string }[] = [];
  return {
    add({ path, note }) {
      if (note === undefined) return;
      if (count++ < EXAMPLES) first.push({ path, note });
    },
    warning() {
      if (count === 0) return undefined;
      if (count === 1) return `${first[0].path} is ${first[0].note}: it is read as one text document, not as records`;
      const more = count > EXAMPLES ? `; and ${count - EXAMPLES} more` : '';
      return `${count} .json files are not arrays of objects: each is read as one text document, not as records (${first.map((f) => `${f.path}: ${f.note}`).join('; ')}${more})`;
    },
  };
}
