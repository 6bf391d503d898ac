/**
 * Where the sequence diagram's words go (issue 16: labels never over each other, never on a
 * call's bar but their own, never cut at the drawing's edge). Pure geometry on estimated text
 * boxes: the diagram's font is monospaced, so a line's width is its characters times the
 * font's advance (CJK twice that); e2e/web/seq-labels.spec.ts checks the estimate against the
 * boxes Chromium really draws.
 *
 * Rows are taken top to bottom. Each label has a few candidate places (beside its lifeline;
 * for a segment's words anywhere along its arrow, on one line or two; for a drop's words
 * beside or under the cross). The first place free of everything is taken. When the only
 * places left collide with the words of a row above (a call label wrapped over three lines),
 * the row is pushed down instead: `reserve` says how much, and the layout is redone with it.
 */

/** A rectangle in drawing units. */
export interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** What a label says, which decides its style. */
export type LabelKind = 'segment' | 'icmp' | 'fate' | 'state' | 'call' | 'pending' | 'gap'

/** A label with its place. */
export interface PlacedLabel {
  kind: LabelKind
  lines: string[]
  /** x of the anchor, and the baseline of the first line. */
  x: number
  y: number
  anchor: 'start' | 'middle' | 'end'
  /** Font size (drawing units); lines are `LINE_STEP` apart. */
  size: number
  box: Box
  /** The row it belongs to. */
  row: number
  /** Step index of the call whose bar it names. */
  owner?: number
  /** No free place was found (the checks report it). */
  forced?: boolean
}

/** Font sizes by kind (drawing units; the component draws them with these). */
export const LABEL_SIZE: Record<LabelKind, number> = {
  segment: 10.5,
  icmp: 10.5,
  fate: 10,
  state: 11,
  call: 10.5,
  pending: 10.5,
  gap: 10.5,
}
/** Distance between the baselines of a wrapped label's lines. */
export const LINE_STEP = 12
/** Space kept between two labels, and between a label and a bar. */
const PAD = 1.5
// Monospace advance and the line box around a baseline, as fractions of the font size, a
// little above DejaVu Sans Mono's (0.602; ascent 0.928, descent 0.236) so rounding never
// makes two boxes touch. A CJK glyph is a full em, and taller in the CJK fonts.
const ADVANCE = 0.61
const ASCENT = 0.96
const DESCENT = 0.28
const CJK_ASCENT = 1.1
const CJK_DESCENT = 0.3

function wide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  )
}

/** Estimated width of a line of text at `size`: CJK a full em, symbols (↻ ⚡) a little more. */
export function textWidth(text: string, size: number): number {
  let em = 0
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    // The monospace face has the ellipsis; other symbols may come from a wider fallback font.
    const mono = (code >= 0x20 && code < 0x7f) || code < 0x2000 || code === 0x2026
    em += mono ? ADVANCE : wide(code) ? 1 : 1.1
  }
  return em * size
}

/** The box a label's lines cover, its anchor at `x` and first baseline at `y`. */
export function labelBox(
  lines: readonly string[],
  size: number,
  x: number,
  y: number,
  anchor: PlacedLabel['anchor'],
): Box {
  const w = Math.max(...lines.map((l) => textWidth(l, size)))
  const cjk = lines.some((l) => [...l].some((ch) => wide(ch.codePointAt(0)!)))
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2
  return {
    x0,
    x1: x0 + w,
    y0: y - size * (cjk ? CJK_ASCENT : ASCENT),
    y1: y + (lines.length - 1) * LINE_STEP + size * (cjk ? CJK_DESCENT : DESCENT),
  }
}

/** A call's bar on its lifeline, from issue to return (to the bottom when it never returns). */
export interface Bar {
  step: number
  box: Box
}

/** One place a label may take. `slide` lets the anchor move within [lo, hi], nearest `x`. */
export interface Candidate {
  lines: string[]
  x: number
  y: number
  anchor: PlacedLabel['anchor']
  slide?: readonly [number, number]
}

/** A label waiting for a place. */
export interface LabelJob {
  kind: LabelKind
  row: number
  owner?: number
  /** Places in order of preference (at least one). */
  candidates: Candidate[]
}

function overlaps(a: Box, b: Box, pad = PAD): boolean {
  return a.x0 < b.x1 + pad && b.x0 < a.x1 + pad && a.y0 < b.y1 + pad && b.y0 < a.y1 + pad
}

const BUCKET = 32
/** More buckets than this, and an item is kept in one list of its own (see ByHeight). */
const TALL = 64

/**
 * Things with a box, found by height: each is filed under every bucket its box spans, and a
 * query lists each one once (a visit mark per item instead of a Set per query: a long trace
 * asks tens of thousands of times, and the garbage was most of the layout's time).
 */
class ByHeight<T extends { box: Box }> {
  readonly all: T[] = []
  private readonly buckets = new Map<number, number[]>()
  /** Items spanning more than {@link TALL} buckets (a call blocked to the end of a long trace). */
  private readonly tall: { i: number; k0: number; k1: number }[] = []
  private marks = new Int32Array(256)
  private visit = 0

  add(item: T): void {
    const i = this.all.length
    this.all.push(item)
    if (i >= this.marks.length) {
      const grown = new Int32Array(this.marks.length * 2)
      grown.set(this.marks)
      this.marks = grown
    }
    const k0 = Math.floor(item.box.y0 / BUCKET)
    const k1 = Math.floor(item.box.y1 / BUCKET)
    if (k1 - k0 > TALL) {
      this.tall.push({ i, k0, k1 })
      return
    }
    for (let k = k0; k <= k1; k++) {
      const list = this.buckets.get(k)
      if (list) list.push(i)
      else this.buckets.set(k, [i])
    }
  }

  /** The items whose buckets meet [y0 - PAD, y1 + PAD], each once, into `out` (cleared). */
  near(y0: number, y1: number, out: T[]): T[] {
    out.length = 0
    this.visit++
    const q0 = Math.floor((y0 - PAD) / BUCKET)
    const q1 = Math.floor((y1 + PAD) / BUCKET)
    for (const t of this.tall)
      if (t.k0 <= q1 && q0 <= t.k1) {
        this.marks[t.i] = this.visit
        out.push(this.all[t.i]!)
      }
    for (let k = q0; k <= q1; k++) {
      const list = this.buckets.get(k)
      if (!list) continue
      for (const i of list)
        if (this.marks[i] !== this.visit) {
          this.marks[i] = this.visit
          out.push(this.all[i]!)
        }
    }
    return out
  }
}

/**
 * The anchor x nearest `want` in [lo, hi] where the box misses every obstacle, or null. Each
 * obstacle forbids an open interval of anchors; merged and sorted, the nearest free anchor is
 * `want` itself or an end of the merged interval that holds it (a long trace has dozens of
 * bars beside a label, and trying every end against every obstacle was quadratic).
 */
function freeX(
  template: Box,
  lo: number,
  hi: number,
  want: number,
  obstacles: readonly Box[],
  more: readonly Box[] = [],
): number | null {
  if (lo > hi) return null
  const blocked: [number, number][] = []
  for (const list of [obstacles, more])
    for (const o of list)
      if (template.y0 < o.y1 + PAD && o.y0 < template.y1 + PAD)
        blocked.push([o.x0 - template.x1 - PAD, o.x1 - template.x0 + PAD])
  blocked.sort((p, q) => p[0] - q[0])
  const merged: [number, number][] = []
  for (const [a, b] of blocked) {
    const last = merged[merged.length - 1]
    if (last && a < last[1]) last[1] = Math.max(last[1], b)
    else merged.push([a, b])
  }
  const x = Math.min(hi, Math.max(lo, want))
  const holder = merged.find(([a, b]) => a < x && x < b)
  if (!holder) return x
  const [a, b] = holder
  const left = a >= lo ? a : null
  const right = b <= hi ? b : null
  if (left === null) return right
  if (right === null) return left
  return Math.abs(left - want) <= Math.abs(right - want) ? left : right
}

/** Where the labels may go: the drawing's width, less the time gutter on the left. */
export interface Field {
  left: number
  right: number
}

/**
 * Places the labels (jobs sorted by row) and says which rows must move down: `reserve[r]`
 * grows by what row r needs to clear the words above it. `changed` is false once every
 * label has a free place or no push can help.
 */
export function placeLabels(
  jobs: readonly LabelJob[],
  bars: readonly Bar[],
  field: Field,
  reserve: Float64Array,
): { labels: PlacedLabel[]; changed: boolean } {
  const placed = new ByHeight<PlacedLabel>()
  // Bars by height, as the placed labels are: a long trace has thousands, and each label
  // looks only at those beside it.
  const barsAt = new ByHeight<Bar>()
  for (const bar of bars) barsAt.add(bar)
  // Reused for every candidate (see ByHeight).
  const near: PlacedLabel[] = []
  const barsBeside: Bar[] = []
  const hard: Box[] = []
  const soft: Box[] = []
  let changed = false
  const at = (job: LabelJob, c: Candidate, x: number, template: Box): PlacedLabel => {
    const label: PlacedLabel = {
      kind: job.kind,
      lines: c.lines,
      x,
      y: c.y,
      anchor: c.anchor,
      size: LABEL_SIZE[job.kind],
      box: { ...template, x0: template.x0 + x, x1: template.x1 + x },
      row: job.row,
    }
    if (job.owner !== undefined) label.owner = job.owner
    return label
  }
  for (const job of jobs) {
    const size = LABEL_SIZE[job.kind]
    let done: PlacedLabel | null = null
    // Pass 1: free of everything; pass 2: free of bars and of this row's words (the rows
    // above can be pushed away).
    let push: { label: PlacedLabel; by: number } | null = null
    for (const c of job.candidates) {
      const template = labelBox(c.lines, size, 0, c.y, c.anchor)
      const [lo, hi] = c.slide ?? [c.x, c.x]
      const fieldLo = field.left - template.x0
      const fieldHi = field.right - template.x1
      placed.near(template.y0, template.y1, near)
      hard.length = 0
      soft.length = 0
      for (const b of barsAt.near(template.y0, template.y1, barsBeside))
        if (b.step !== job.owner && b.box.y0 < template.y1 + PAD && template.y0 < b.box.y1 + PAD)
          hard.push(b.box)
      for (const l of near) (l.row >= job.row ? hard : soft).push(l.box)
      const x = freeX(template, Math.max(lo, fieldLo), Math.min(hi, fieldHi), c.x, hard, soft)
      if (x !== null) {
        done = at(job, c, x, template)
        break
      }
      if (push) continue
      const x2 = freeX(template, Math.max(lo, fieldLo), Math.min(hi, fieldHi), c.x, hard)
      if (x2 === null) continue
      const label = at(job, c, x2, template)
      let by = 0
      for (const l of near)
        if (l.row < job.row && overlaps(label.box, l.box))
          by = Math.max(by, l.box.y1 + PAD - label.box.y0)
      push = { label, by: Math.ceil(by + 0.5) }
    }
    if (!done && push) {
      reserve[job.row] = (reserve[job.row] ?? 0) + push.by
      changed = true
      done = push.label
    }
    if (!done) {
      const c = job.candidates[0]!
      done = { ...at(job, c, c.x, labelBox(c.lines, size, 0, c.y, c.anchor)), forced: true }
    }
    placed.add(done)
  }
  return { labels: placed.all, changed }
}

/** A problem found by `labelProblems`. */
export interface LabelProblem {
  what: string
  a: PlacedLabel
  b?: PlacedLabel
}

/**
 * What is wrong with placed labels: two that overlap, one on a bar not its own, one past the
 * field's edges. Empty when the diagram reads cleanly.
 */
export function labelProblems(
  labels: readonly PlacedLabel[],
  bars: readonly Bar[],
  field: Field,
): LabelProblem[] {
  const out: LabelProblem[] = []
  const sorted = [...labels].sort((a, b) => a.box.y0 - b.box.y0)
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!
    for (let j = i + 1; j < sorted.length && sorted[j]!.box.y0 < a.box.y1; j++)
      if (overlaps(a.box, sorted[j]!.box, 0)) out.push({ what: 'overlap', a, b: sorted[j]! })
    for (const bar of bars)
      if (bar.step !== a.owner && overlaps(a.box, bar.box, 0))
        out.push({ what: `bar ${bar.step}`, a })
    if (a.box.x0 < field.left - 0.01 || a.box.x1 > field.right + 0.01) out.push({ what: 'cut', a })
  }
  return out
}

/**
 * Centres for names written side by side (the lane names over the lifelines): each as near its
 * lifeline as it can be without touching its neighbour (`gap` apart) or leaving [left, right].
 */
export function spreadCentres(
  centres: readonly number[],
  widths: readonly number[],
  left: number,
  right: number,
  gap = 8,
): number[] {
  const out = [...centres]
  // Left to right, push each clear of the one before; then right to left, back inside.
  for (let i = 0; i < out.length; i++) {
    const min =
      i === 0 ? left + widths[0]! / 2 : out[i - 1]! + (widths[i - 1]! + widths[i]!) / 2 + gap
    out[i] = Math.max(out[i]!, min)
  }
  for (let i = out.length - 1; i >= 0; i--) {
    const max =
      i === out.length - 1
        ? right - widths[i]! / 2
        : out[i + 1]! - (widths[i + 1]! + widths[i]!) / 2 - gap
    out[i] = Math.min(out[i]!, max)
  }
  return out
}

/** Estimated width of a bold proportional name (the lane names) at `size` px. */
export function nameWidth(text: string, size: number): number {
  let em = 0
  for (const ch of text) em += wide(ch.codePointAt(0)!) ? 1 : 0.7
  return em * size
}
