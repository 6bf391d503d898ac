/** How a segment and a call read on the sequence diagram (technical text, the same in zh/en). */
import type { SegmentEvent } from '../../shared/lab-result'

/** `PSH|ACK seq=1 ack=2 len=5`; without numbers when the capture could not see them. */
export function segmentLabel(e: SegmentEvent): string {
  const flags = e.flags.length > 0 ? e.flags.join('|') : '(no flags)'
  const numbers = e.seqKnown === false ? '' : ` seq=${e.seq} ack=${e.ack}`
  const len = e.len > 0 ? ` len=${e.len}` : ''
  return `${flags}${numbers}${len}`
}

/** The same words on two lines when one is too wide: `PSH|ACK len=5`, then `seq=1 ack=2`. */
export function segmentLines(e: SegmentEvent): string[] {
  const flags = e.flags.length > 0 ? e.flags.join('|') : '(no flags)'
  const len = e.len > 0 ? ` len=${e.len}` : ''
  if (e.seqKnown === false) return [`${flags}${len}`]
  return [`${flags}${len}`, `seq=${e.seq} ack=${e.ack}`]
}

/**
 * Splits a long call headline so it fits beside the lifeline (`max` characters a line): at its
 * `=` first, then each part at spaces, so a label is wrapped, never cut at the drawing's edge.
 */
export function splitHeadline(text: string, max = 28): string[] {
  if (text.length <= max) return [text]
  const at = text.indexOf(' = ')
  const parts = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text]
  return parts.flatMap((part) => wrapWords(part, max))
}

function wrapWords(text: string, max: number): string[] {
  if (text.length <= max) return [text]
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}
