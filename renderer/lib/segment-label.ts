/** How a segment and a call read on the sequence diagram (technical text, the same in zh/en). */
import type { SegmentEvent } from '../../shared/lab-result'

/** `PSH|ACK seq=1 ack=2 len=5`; without numbers when the capture could not see them. */
export function segmentLabel(e: SegmentEvent): string {
  const flags = e.flags.length > 0 ? e.flags.join('|') : '(no flags)'
  const numbers = e.seqKnown === false ? '' : ` seq=${e.seq} ack=${e.ack}`
  const len = e.len > 0 ? ` len=${e.len}` : ''
  return `${flags}${numbers}${len}`
}

/** Splits a long call headline in two lines at its `=`, so it fits beside the lifeline. */
export function splitHeadline(text: string, max = 28): string[] {
  if (text.length <= max) return [text]
  const at = text.indexOf(' = ')
  return at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text]
}
