/**
 * The pcapng container (IETF draft-ietf-opsawg-pcapng, the format Wireshark writes): one Section
 * Header Block, one Interface Description Block (Ethernet, microsecond time stamps) and one
 * Enhanced Packet Block per frame, each with an optional comment (`opt_comment`). Little-endian
 * throughout; the byte-order magic tells readers so.
 */

/** One frame to store. */
export interface PcapngPacket {
  /** Microseconds since 1970-01-01T00:00:00Z (the interface's default resolution). */
  timestampUs: number
  /** The frame from its Ethernet header on. */
  data: Uint8Array
  /** Shown by Wireshark as the packet comment (`frame.comment`). */
  comment?: string
}

/** What the file says about itself and its one interface. */
export interface PcapngMeta {
  /** `shb_userappl`: the program that wrote the file. */
  application: string
  /** `if_name`. */
  interfaceName: string
  /** `if_description`. */
  interfaceDescription?: string
  /** `opt_comment` of the section: a line about where the frames come from. */
  comment?: string
}

const BLOCK_SHB = 0x0a0d0d0a
const BLOCK_IDB = 0x00000001
const BLOCK_EPB = 0x00000006
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
const LINKTYPE_ETHERNET = 1
/** Wireshark's own snapshot length; no frame of a run is longer (IPv4 caps it at 65,549). */
const SNAPLEN = 262144
const OPT_ENDOFOPT = 0
const OPT_COMMENT = 1
const SHB_USERAPPL = 4
const IF_NAME = 2
const IF_DESCRIPTION = 3

/**
 * UTF-8 bytes of a text (shared/ has no TextEncoder: no DOM or Node types); a lone surrogate
 * becomes U+FFFD, as TextEncoder writes it.
 */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = []
  for (const ch of text) {
    let c = ch.codePointAt(0)!
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f))
    else
      out.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 0x3f),
        0x80 | ((c >> 6) & 0x3f),
        0x80 | (c & 0x3f),
      )
  }
  return Uint8Array.from(out)
}

/** Encodes the frames as one pcapng file. */
export function encodePcapng(packets: readonly PcapngPacket[], meta: PcapngMeta): Uint8Array {
  const blocks: Uint8Array[] = []
  const shbBody = new Uint8Array(16)
  const shb = new DataView(shbBody.buffer)
  shb.setUint32(0, BYTE_ORDER_MAGIC, true)
  shb.setUint16(4, 1, true) // major version
  shb.setUint16(6, 0, true) // minor version
  // Section length -1: not given (a reader walks the blocks).
  shb.setUint32(8, 0xffffffff, true)
  shb.setUint32(12, 0xffffffff, true)
  blocks.push(
    block(
      BLOCK_SHB,
      shbBody,
      options([
        [OPT_COMMENT, meta.comment],
        [SHB_USERAPPL, meta.application],
      ]),
    ),
  )
  const idbBody = new Uint8Array(8)
  const idb = new DataView(idbBody.buffer)
  idb.setUint16(0, LINKTYPE_ETHERNET, true)
  idb.setUint32(4, SNAPLEN, true)
  blocks.push(
    block(
      BLOCK_IDB,
      idbBody,
      options([
        [IF_NAME, meta.interfaceName],
        [IF_DESCRIPTION, meta.interfaceDescription],
      ]),
    ),
  )
  for (const p of packets) {
    const ts = Math.max(0, Math.round(p.timestampUs))
    const head = new Uint8Array(20)
    const epb = new DataView(head.buffer)
    epb.setUint32(0, 0, true) // interface 0
    epb.setUint32(4, Math.floor(ts / 2 ** 32), true)
    epb.setUint32(8, ts % 2 ** 32, true)
    epb.setUint32(12, p.data.length, true) // captured length
    epb.setUint32(16, p.data.length, true) // original length
    blocks.push(
      block(BLOCK_EPB, concat([head, padded(p.data)]), options([[OPT_COMMENT, p.comment]])),
    )
  }
  return concat(blocks)
}

/** A block: type, total length, body, options, total length again. */
function block(type: number, body: Uint8Array, opts: Uint8Array): Uint8Array {
  const total = 12 + body.length + opts.length
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, type, true)
  view.setUint32(4, total, true)
  out.set(body, 8)
  out.set(opts, 8 + body.length)
  view.setUint32(total - 4, total, true)
  return out
}

/** Options as code, length, value padded to 4 bytes, ended by opt_endofopt; none: empty. */
function options(list: readonly (readonly [number, string | undefined])[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const [code, text] of list) {
    if (text === undefined || text === '') continue
    const value = utf8Bytes(text)
    // An option's length is 16 bits; a longer text is cut (4 bytes at most per character).
    const cut =
      value.length > 0xfff0 ? utf8Bytes(Array.from(text).slice(0, 0x3ff0).join('')) : value
    const head = new Uint8Array(4)
    const view = new DataView(head.buffer)
    view.setUint16(0, code, true)
    view.setUint16(2, cut.length, true)
    parts.push(head, padded(cut))
  }
  if (parts.length === 0) return new Uint8Array(0)
  parts.push(new Uint8Array([OPT_ENDOFOPT, 0, 0, 0]))
  return concat(parts)
}

function padded(bytes: Uint8Array): Uint8Array {
  const pad = (4 - (bytes.length % 4)) % 4
  if (pad === 0) return bytes
  const out = new Uint8Array(bytes.length + pad)
  out.set(bytes)
  return out
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
