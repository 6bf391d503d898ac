/**
 * The live class's join code and rejoin tokens (docs/live-class.md). The code is what students
 * type (in the join URL, `http://<address>:<port>/<CODE>`) and what every request to the class
 * server must carry; a token is what a student's browser keeps to rejoin as itself.
 *
 * Randomness comes from the caller (main passes `crypto.randomBytes`): shared/ has no Node, and
 * a test can pass fixed bytes.
 */

/**
 * The code's letters: capitals and digits without the ones that read alike on a projector or
 * in a hurried hand (0/O, 1/I/L, 5/S... only the worst pairs: 0 O 1 I L are out). 31 symbols.
 */
export const JOIN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** Characters in a join code: 31^6, about 8.9e8 codes (29.7 bits), guessed at a capped rate. */
export const JOIN_CODE_LENGTH = 6

/** A join code as the server keeps it (upper case, from {@link JOIN_ALPHABET}). */
export const JOIN_CODE_PATTERN = new RegExp(`^[${JOIN_ALPHABET}]{${JOIN_CODE_LENGTH}}$`)

/** Gives `n` random bytes (crypto.randomBytes in main; fixed bytes in tests). */
export type RandomBytes = (n: number) => Uint8Array

/**
 * A fresh join code. Rejection sampling keeps every letter equally likely: bytes of 248 and up
 * (248 = 8 × 31) are thrown away rather than folded onto the first letters.
 */
export function makeJoinCode(random: RandomBytes): string {
  const limit = 256 - (256 % JOIN_ALPHABET.length)
  let code = ''
  while (code.length < JOIN_CODE_LENGTH) {
    for (const byte of random(JOIN_CODE_LENGTH * 2)) {
      if (byte >= limit) continue
      code += JOIN_ALPHABET[byte % JOIN_ALPHABET.length]
      if (code.length === JOIN_CODE_LENGTH) break
    }
  }
  return code
}

/** What a student typed, as a code (trimmed, upper case); undefined when it cannot be one. */
export function normalizeJoinCode(typed: string): string | undefined {
  const code = typed.trim().toUpperCase()
  return JOIN_CODE_PATTERN.test(code) ? code : undefined
}

/** Bytes of randomness in a rejoin token (128 bits). */
export const TOKEN_BYTES = 16

/** A rejoin token as the protocol carries it: 32 lower-case hex digits. */
export const TOKEN_PATTERN = /^[0-9a-f]{32}$/

/** A fresh rejoin token. */
export function makeToken(random: RandomBytes): string {
  return [...random(TOKEN_BYTES)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Compares two strings in time that depends only on their lengths (the code and tokens have
 * fixed lengths), so a reply's timing does not tell how much of a guess was right.
 */
export function sameSecret(given: string, secret: string): boolean {
  if (given.length !== secret.length) return false
  let diff = 0
  for (let i = 0; i < secret.length; i++) diff |= given.charCodeAt(i) ^ secret.charCodeAt(i)
  return diff === 0
}
