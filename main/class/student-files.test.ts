import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadStudentPage, StudentPageMissingError } from './student-files'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function renderer(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-student-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'assets'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('loadStudentPage', () => {
  it('takes the page and exactly the files it reaches, not the rest of the app', async () => {
    const dir = renderer({
      'student.html':
        '<script type="module" crossorigin src="./assets/student-a1.js"></script><link rel="stylesheet" href="./assets/student-b2.css"><link rel="modulepreload" href="./assets/zod-c3.js">',
      'index.html': '<script src="./assets/index-d4.js"></script>',
      'assets/student-a1.js': 'import{z}from"./zod-c3.js";import("./lazy-e5.js")',
      'assets/student-b2.css': 'body{}',
      'assets/zod-c3.js': 'export const z=1',
      'assets/lazy-e5.js': 'export{}',
      'assets/index-d4.js': 'the whole app',
    })
    const page = await loadStudentPage(dir)
    expect(page.index.body.toString()).toContain('student-a1.js')
    expect([...page.assets.keys()].sort()).toEqual([
      'assets/lazy-e5.js',
      'assets/student-a1.js',
      'assets/student-b2.css',
      'assets/zod-c3.js',
    ])
    expect(page.assets.get('assets/student-b2.css')?.contentType).toBe('text/css; charset=utf-8')
  })

  it('says to build when the page or one of its files is missing', async () => {
    await expect(loadStudentPage(renderer({}))).rejects.toThrow(StudentPageMissingError)
    const dir = renderer({ 'student.html': '<script src="./assets/gone.js"></script>' })
    await expect(loadStudentPage(dir)).rejects.toThrow(/assets\/gone\.js is missing.*npm run build/)
  })
})
