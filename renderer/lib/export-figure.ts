/**
 * The exported figure (SVG, and the PNG made from it): a heading that says what it shows (the
 * case or script and its id), what it ran on and where the cursor was, a legend, both state
 * machines with their current state and last transition, and the sequence diagram with its
 * lane names. Text lines are wrapped to the figure's width, never cut.
 */
import { composeSvg, styledCopy, type Placed, type PlacedText } from './export'
import { SM_HEIGHT, SM_WIDTH } from './state-machine-layout'

/** One state machine as the figure shows it. */
export interface FigureMachine {
  svg: SVGSVGElement
  heading: string
  now: string
  transition: string
}

/** What the figure is made of. */
export interface FigureInput {
  title: string
  subtitle: string
  legend: string
  machines: FigureMachine[]
  sequence: { svg: SVGSVGElement; width: number; height: number }
  sequenceTitle: string
  colours: { text: string; muted: string; background: string }
}

/** Splits text into lines of at most `max` characters, at spaces (a long word stands alone). */
export function wrapLine(text: string, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** Roughly how many characters of a `size` px font fit in `width` (CJK counts double). */
function fits(width: number, size: number): number {
  return Math.max(20, Math.floor(width / (size * 0.58)))
}

/** The figure as one standalone SVG document. */
export function figureSvg(input: FigureInput): string {
  const gap = 16
  const scale = 1.25
  const smWidth = SM_WIDTH * scale
  const smHeight = SM_HEIGHT * scale
  const width = Math.max(input.sequence.width + 2 * gap, 2 * smWidth + 3 * gap)
  const { text, muted, background } = input.colours
  const texts: PlacedText[] = []
  let y = 10
  const lines = (value: string, size: number, fill: string, weight?: number, x = gap) => {
    const max = fits(width - x - gap, size) / (/[\u3000-\u9fff]/.test(value) ? 2 : 1)
    for (const line of wrapLine(value, Math.floor(max))) {
      y += size + 6
      texts.push({ x, y, text: line, size, fill, ...(weight ? { weight } : {}) })
    }
  }
  lines(input.title, 18, text, 700)
  lines(input.subtitle, 13, muted)
  lines(input.legend, 12, muted)
  const top = y + 12
  const parts: Placed[] = []
  let below = top
  input.machines.forEach((m, i) => {
    const x = gap + i * (smWidth + gap)
    texts.push({
      x,
      y: top + 14,
      text: `${m.heading} · ${m.now}`,
      size: 14,
      weight: 650,
      fill: text,
    })
    parts.push({ svg: styledCopy(m.svg), x, y: top + 22, width: smWidth, height: smHeight })
    let ty = top + 22 + smHeight
    const max = Math.floor(fits(smWidth, 12.5) / (/[\u3000-\u9fff]/.test(m.transition) ? 2 : 1))
    for (const line of wrapLine(m.transition, max)) {
      ty += 18
      texts.push({ x, y: ty, text: line, size: 12.5, fill: text })
    }
    below = Math.max(below, ty)
  })
  const seqTop = below + 24
  texts.push({ x: gap, y: seqTop, text: input.sequenceTitle, size: 14, weight: 650, fill: text })
  parts.push({
    svg: input.sequence.svg,
    x: gap,
    y: seqTop + 8,
    width: input.sequence.width,
    height: input.sequence.height,
  })
  // An empty part as wide as the figure, so the document is never narrower than its text.
  parts.push({
    svg: document.createElementNS('http://www.w3.org/2000/svg', 'svg'),
    x: 0,
    y: 0,
    width,
    height: 1,
  })
  return composeSvg(parts, background, `${input.title} · ${input.subtitle}`, texts)
}
