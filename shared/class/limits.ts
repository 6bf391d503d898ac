/**
 * The protocol's version and limits, apart from its schemas so the student page can use them
 * without bundling zod (the page stays small: a class is many browsers on one network).
 */

/** The protocol's version: a student page of another version is refused by name. */
export const CLASS_PROTOCOL = 1

/** Longest name a student may give (characters, after trimming). */
export const MAX_NAME = 40

/** Largest message a student may send (bytes); the server closes the socket above it. */
export const MAX_STUDENT_MESSAGE = 4096

/** WebSocket close codes of the class server, which the student page reads. */
export const CLOSE_CODES = {
  /** The teacher ended the class. */
  ended: 4000,
  /** The student opened the class on another page (the newer one is the student now). */
  replaced: 4001,
  /** The page did not join in time. */
  noJoin: 4002,
  /** The page sent messages faster than a person clicks. */
  tooFast: 4003,
} as const
