/**
 * The student page of a live class, read into memory once when a class starts: the built
 * `student.html` (renderer/student.html, its own entry of the renderer build) and exactly the
 * files it needs, found by following its references: the `./assets/...` files the HTML names,
 * then every `./<chunk>.js` a script imports. Nothing else of the app (its index page, its
 * other chunks) is in the list, and the class server serves only this list: no directory,
 * no file system path ever comes from a request (docs/live-class.md).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { contentType } from '../static-files/renderer-files'

/** The built page's file name in the renderer folder. */
export const STUDENT_HTML = 'student.html'

/** One file of the page, ready to send. */
export interface StudentFile {
  contentType: string
  body: Buffer
}

/** The page: `index` is the HTML; `assets` maps `assets/<name>` to its file. */
export interface StudentPage {
  index: StudentFile
  assets: ReadonlyMap<string, StudentFile>
}

/** Thrown when the page is not built: the message says what to run. */
export class StudentPageMissingError extends Error {
  override readonly name = 'StudentPageMissingError'
}

const ASSET_NAME = /^[A-Za-z0-9._-]+$/
/** `./assets/x.js` in the HTML (src or href). */
const HTML_REF = /(?:src|href)="\.\/(assets\/[A-Za-z0-9._-]+)"/g
/** `"./x.js"` (or `'./x.js'`) in a built script: a static or dynamic import of a sibling. */
const JS_REF = /["']\.\/([A-Za-z0-9._-]+\.(?:js|css))["']/g

/** Reads the student page below `rendererDir` (`out/renderer`). */
export async function loadStudentPage(rendererDir: string): Promise<StudentPage> {
  const html = await readFile(join(rendererDir, STUDENT_HTML)).catch(() => undefined)
  if (!html)
    throw new StudentPageMissingError(
      `The student page is not built (${join(rendererDir, STUDENT_HTML)} is missing): run "npm run build".`,
    )
  const assets = new Map<string, StudentFile>()
  const queue = [...html.toString('utf8').matchAll(HTML_REF)].map((m) => m[1]!)
  while (queue.length > 0) {
    const path = queue.shift()!
    if (assets.has(path)) continue
    const name = path.slice('assets/'.length)
    if (!ASSET_NAME.test(name) || name.startsWith('.')) continue
    const body = await readFile(join(rendererDir, 'assets', name)).catch(() => undefined)
    if (!body)
      throw new StudentPageMissingError(
        `The student page's file ${path} is missing from ${rendererDir}: run "npm run build" again.`,
      )
    assets.set(path, { contentType: contentType(name), body })
    if (name.endsWith('.js'))
      for (const m of body.toString('utf8').matchAll(JS_REF)) queue.push(`assets/${m[1]!}`)
  }
  return { index: { contentType: 'text/html; charset=utf-8', body: html }, assets }
}
