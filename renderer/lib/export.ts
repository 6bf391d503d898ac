/**
 * Diagram exports: the live SVG of a diagram copied with its computed styles written inline
 * (the copy leaves the page's CSS and theme variables behind), several diagrams composed into
 * one standalone SVG document, and a PNG rendered from that SVG in the page.
 */

/** Style properties that decide how SVG looks; copied inline onto every element. */
const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linejoin',
  'stroke-opacity',
  'opacity',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const

/** Copies the computed style of `live` and its descendants onto `copy` (same structure). */
export function inlineStyles(live: Element, copy: Element): void {
  const style = getComputedStyle(live)
  const inline = PROPS.map((p) => [p, style.getPropertyValue(p)] as const)
    .filter(([, v]) => v !== '')
    .map(([p, v]) => `${p}:${v}`)
    .join(';')
  if (inline) copy.setAttribute('style', inline)
  // Without its classes the copy cannot pick up (or replay) the page's CSS animations.
  copy.removeAttribute('class')
  const a = live.children
  const b = copy.children
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i]!, b[i]!)
}

/** A standalone copy of a live SVG element with its styles inline. */
export function styledCopy(live: SVGSVGElement): SVGSVGElement {
  const copy = live.cloneNode(true) as SVGSVGElement
  inlineStyles(live, copy)
  return copy
}

/** One diagram placed in a composed document. */
export interface Placed {
  svg: SVGSVGElement
  x: number
  y: number
  width: number
  height: number
}

/** A line of text placed in a composed document (titles, lane names, legend, captions). */
export interface PlacedText {
  x: number
  y: number
  text: string
  size: number
  fill: string
  weight?: number
  family?: string
}

const NS = 'http://www.w3.org/2000/svg'

/** One SVG document holding the diagrams at their places, on a background, with text lines. */
export function composeSvg(
  parts: Placed[],
  background: string,
  title: string,
  texts: PlacedText[] = [],
): string {
  const width = Math.max(...parts.map((p) => p.x + p.width))
  const height = Math.max(...parts.map((p) => p.y + p.height))
  const doc = document.createElementNS(NS, 'svg')
  doc.setAttribute('xmlns', NS)
  doc.setAttribute('width', String(Math.ceil(width)))
  doc.setAttribute('height', String(Math.ceil(height)))
  doc.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`)
  const t = document.createElementNS(NS, 'title')
  t.textContent = title
  doc.append(t)
  const bg = document.createElementNS(NS, 'rect')
  bg.setAttribute('width', '100%')
  bg.setAttribute('height', '100%')
  bg.setAttribute('fill', background)
  doc.append(bg)
  for (const p of parts) {
    const s = p.svg.cloneNode(true) as SVGSVGElement
    s.setAttribute('x', String(p.x))
    s.setAttribute('y', String(p.y))
    s.setAttribute('width', String(p.width))
    s.setAttribute('height', String(p.height))
    s.removeAttribute('style')
    s.removeAttribute('aria-hidden')
    doc.append(s)
  }
  for (const line of texts) {
    const el = document.createElementNS(NS, 'text')
    el.setAttribute('x', String(line.x))
    el.setAttribute('y', String(line.y))
    el.setAttribute('font-size', String(line.size))
    el.setAttribute('fill', line.fill)
    el.setAttribute('font-family', line.family ?? 'system-ui, sans-serif')
    if (line.weight) el.setAttribute('font-weight', String(line.weight))
    el.textContent = line.text
    doc.append(el)
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}`
}

/** Size of an SVG document's drawing (its width and height attributes). */
export function svgSize(text: string): { width: number; height: number } {
  const w = /<svg[^>]*\swidth="([\d.]+)"/.exec(text)
  const h = /<svg[^>]*\sheight="([\d.]+)"/.exec(text)
  return { width: Number(w?.[1] ?? 800), height: Number(h?.[1] ?? 600) }
}

/** Renders SVG text to a PNG in the page (via an image and a canvas), at `scale`. */
export async function svgToPng(text: string, scale = 2): Promise<Blob> {
  const { width, height } = svgSize(text)
  const img = new Image()
  // A data: URL, which the page's Content-Security-Policy allows for images (blob: it does not).
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = Math.ceil(width * scale)
  canvas.height = Math.ceil(height * scale)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('this browser gives no 2D canvas')
  ctx.scale(scale, scale)
  ctx.drawImage(img, 0, 0, width, height)
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the canvas made no PNG'))),
      'image/png',
    ),
  )
}
