/**
 * Files move by download and upload in the page, so the same code works in browser mode and
 * in the desktop window: a download is a Blob behind a temporary link, an upload is a file
 * input whose files are read as text.
 */
import type { PickedFile } from '../../../shared/quiz/attempt-schema'
import { downloadFile } from '../../lib/download'

/** A file name without path separators or characters some systems refuse. */
export function safeFileName(name: string): string {
  const cleaned = [...name]
    .map((c) => (c.charCodeAt(0) < 32 ? '_' : c))
    .join('')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
  return cleaned.slice(0, 120) || 'socklab-file'
}

/** Offers `text` as a download called `name` (UTF-8, so Chinese names survive). */
export function downloadText(name: string, text: string, type: string): void {
  downloadFile(name, text, `${type};charset=utf-8`)
}

/** Reads the files a file input holds. */
export async function readPicked(list: FileList | null | undefined): Promise<PickedFile[]> {
  const files = list ? [...list] : []
  return Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })))
}
