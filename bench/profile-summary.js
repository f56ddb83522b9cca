// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time and inclusive time per
// function (file:line), heaviest first, so a missed target can be traced to its hot spots.
// Usage: node bench/profile-summary.js FILE.cpuprofile [top=25]
import fs from 'node:fs';
import path from 'node:path';

export function summarize(profile, top = 25, root = process.cwd()) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const key = (n) => {
    const f = n.callFrame;
    const url = f.url ? path.relative(root, f.url.replace(/^file:\/\//, '')) : '';
    return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const selfBy = new Map();
  const inclBy = new Map();
  for (const [id, us] of self) {
    const n = nodes.get(id);
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + us);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(nodes.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclBy.set(k, (inclBy.get(k) ?? 0) + us);
    }
  }
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return { totalMs: total / 1000, self: fmt(selfBy), inclusive: fmt(inclBy) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const s = summarize(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')), Number(process.argv[3] ?? 25));
  console.log(`total sampled ${s.totalMs.toFixed(0)} ms\n\nself time:\n${s.self}\n\ninclusive time:\n${s.inclusive}`);
}
