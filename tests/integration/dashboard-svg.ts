/**
 * A small XML well-formedness check for the dashboard's inline SVG (no XML parser is a dependency): every
 * tag closes in order, attributes are quoted, and text holds no raw `<` or stray `&`.
 */

/** Every top-level `<svg …>…</svg>` of a page. */
export function svgElements(html: string): string[] {
  return [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;

export function wellFormedXml(xml: string): boolean {
  const open: string[] = [];
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt === -1 ? xml.length : lt);
    if (/&(?!(?:amp|lt|gt|quot|#39|#x27|#\d+);)/.test(text)) return false;
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(xml);
    if (!m) return false;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (open.pop() !== name) return false;
    } else if (!selfClosing) open.push(name!);
    at = TAG.lastIndex;
  }
  return open.length === 0;
}
