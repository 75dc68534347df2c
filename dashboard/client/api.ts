import type { BenchDetails } from '../bench.js';
import type { Listing } from '../scan.js';

/** `GET /api/runs`. */
export type RunsResponse = Listing & { root: string };
export type { BenchDetails };

/** URL of a file under the dashboard's root, from path pieces ('' pieces are dropped). */
export function fileUrl(...pieces: string[]): string {
  const segments = pieces
    .filter((p) => p !== '')
    .join('/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  return `/files/${segments.map(encodeURIComponent).join('/')}`;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** An element with attributes and children (strings become text, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}
