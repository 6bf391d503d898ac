/**
 * node-sqlite3-wasm, loaded through `require`: it is a CommonJS package whose types declare
 * named exports that Node's ESM loader cannot see, and it must stay external to the bundle so
 * it finds its .wasm file beside it (docs/toolchain.md).
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const sqlite = require('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm')

/** The SQLite database class. */
export const Database = sqlite.Database
/** An open database. */
export type Database = import('node-sqlite3-wasm').Database
