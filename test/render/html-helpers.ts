/** Checks on rendered HTML shared by the static and the browser tests. */
import { expect } from 'vitest';

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The rects of one chart: [name, series, value] from their data attributes. */
export function chartRects(html: string, id: string, key = 'variant'): { name: string; series: string | null; value: string }[] {
  const svg = html.match(new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`))?.[0];
  if (!svg) throw new Error(`no svg #${id}`);
  return [...svg.matchAll(/<rect [^>]*data-value="[^"]*"[^>]*>/g)].map(([tag]) => ({
    name: unescape(tag.match(new RegExp(`data-${key}="([^"]*)"`))![1]),
    series: tag.match(/data-series="([^"]*)"/)?.[1] ?? null,
    value: tag.match(/data-value="([^"]*)"/)![1],
  }));
}

/**
 * Static proof that a page can load nothing: no tag carries a URL-bearing attribute, there
 * is no script, stylesheet link, frame or image, and the CSS fetches nothing. Escaped user
 * text (`&lt;img src=x&gt;`) is not a tag, so only real tags are inspected.
 */
export function assertNoNetwork(html: string): void {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) {
    expect(tag).not.toMatch(/\s(src|href|xlink:href|action|srcset|poster|data|background|formaction)\s*=/i);
    expect(tag).not.toMatch(/^<(script|link|iframe|object|embed|img|image|use|audio|video|source|base|form)\b/i);
    expect(tag).not.toMatch(/url\(/i);
  }
  const css = (html.match(/<style>[\s\S]*?<\/style>/gi) ?? []).join('\n');
  expect(css).not.toMatch(/@import|url\(/i);
  expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
}
