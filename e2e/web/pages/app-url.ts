/**
 * The app's URL on the browser-mode host the web tests start (playwright.config.ts), with its
 * access token: a page opened without it cannot reach the lab (main/web/door.ts).
 */

/** `/?t=<token>#<route>`, relative to the project's baseURL. */
export function appPath(route = ''): string {
  const token = process.env.SOCKLAB_WEB_TOKEN
  if (!token)
    throw new Error('SOCKLAB_WEB_TOKEN is not set: run the web tests through playwright.config.ts')
  return `/?t=${token}${route ? `#${route}` : ''}`
}
