/** HTML character references: numeric ones, and the named ones common in hand-written docs. */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  mdash: '—', ndash: '–', hellip: '…', copy: '©', reg: '®', trade: '™', deg: '°', middot: '·',
  bull: '•', times: '×', divide: '÷', plusmn: '±', rarr: '→', larr: '←', uarr: '↑', darr: '↓',
  harr: '↔', rArr: '⇒', lArr: '⇐', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', sbquo: '‚', bdquo: '„', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§',
  para: '¶', dagger: '†', Dagger: '‡', permil: '‰', micro: 'µ', frac12: '½', frac14: '¼',
  frac34: '¾', sup1: '¹', sup2: '²', sup3: '³', le: '≤', ge: '≥', ne: '≠', asymp: '≈',
  infin: '∞', minus: '−', check: '✓', zwj: '\u200D', zwnj: '\u200C', shy: '',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    return code === 0xa0 ? ' ' : String.fromCodePoint(code);
  });
}
