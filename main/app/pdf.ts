/**
 * The desktop app's "Save as PDF" of the page (the printable lab sheet): Chromium prints the
 * window's page to PDF with the page's own print stylesheet (A4 from its `@page` rule), the
 * user picks where it goes, and the file is written. Every failure comes back as data, never
 * as an exception across IPC. Electron is passed in, so this runs (and is tested) without it.
 */
import { join } from 'node:path'
import { fail, ok, type PdfRequest, type Result } from '../../shared/contract'

/** What saving needs from Electron and the file system. */
export interface PdfDeps {
  /** `webContents.printToPDF` of the app's window (undefined when there is no window). */
  printToPdf: (() => Promise<Uint8Array>) | undefined
  /** `dialog.showSaveDialog`: the chosen path, or undefined when the user cancelled. */
  askPath: (defaultPath: string) => Promise<string | undefined>
  writeFile: (path: string, data: Uint8Array) => Promise<void>
  /** The folder the dialog opens in (the user's documents). */
  folder: string
}

/** Electron's printToPDF options for a sheet: A4 as the page asks, backgrounds (the boxes). */
export const PDF_OPTIONS = {
  pageSize: 'A4',
  printBackground: true,
  // The page's @page rule (size: A4; margins) decides, as it does when a browser prints it.
  preferCSSPageSize: true,
} as const

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Prints the page to PDF and saves it where the user says; `saved: null` if they cancel. */
export async function savePagePdf(
  deps: PdfDeps,
  request: PdfRequest,
): Promise<Result<{ saved: string | null }>> {
  if (!deps.printToPdf) return fail('unsupported', 'There is no window to print.')
  let data: Uint8Array
  try {
    data = await deps.printToPdf()
  } catch (error) {
    return fail('internal', `The page could not be printed to PDF: ${reason(error)}`)
  }
  let path: string | undefined
  try {
    path = await deps.askPath(join(deps.folder, request.fileName))
  } catch (error) {
    return fail('internal', `The save dialog failed: ${reason(error)}`)
  }
  if (!path) return ok({ saved: null })
  try {
    await deps.writeFile(path, data)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return fail(
      'internal',
      `The PDF could not be written to ${path}: ${code === 'EACCES' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : reason(error)}`,
    )
  }
  return ok({ saved: path })
}
