/**
 * Saves a file through the browser's download (an `<a download>` on an object URL). The same
 * path works in the Electron window, which lets the app's own downloads through with a save
 * dialog; no extra contract call is needed.
 */

/** Offers `data` as a file named `name`. */
export function downloadFile(
  name: string,
  data: Blob | string,
  type = 'application/octet-stream',
): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // Revoke later: Chromium starts the download asynchronously from the URL.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Reads a file the student picked. */
export function readFileText(file: Blob): Promise<string> {
  return file.text()
}

/** A file name made from a case id and a suffix: `peer.crash-fin-sim-linux.json`. */
export function fileName(base: string, ...parts: string[]): string {
  const safe = [base, ...parts]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
  return safe || 'socket-lab'
}
