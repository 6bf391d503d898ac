/**
 * End-to-end tests. `web`: the built UI in browser mode, driven in Debian's Chromium (never a
 * downloaded browser). `electron`: the desktop app through Playwright's `_electron`, run where
 * an Electron binary exists (ELECTRON_PATH or a normal install); elsewhere they skip with one line.
 * Both need `npm run build` first (npm test does it).
 */
import { randomBytes } from 'node:crypto'
import { defineConfig } from '@playwright/test'

/** Port of the browser-mode host the web tests start. */
export const E2E_PORT = Number(process.env.SOCKLAB_E2E_PORT ?? 47123)

// Browser mode's access token (main/web/door.ts) for the host the web tests start: made once
// by the runner and inherited by that host and by the workers, which load this file again.
// e2e/web/pages/app-url.ts puts it in every URL a test opens.
process.env.SOCKLAB_WEB_TOKEN ??= randomBytes(24).toString('base64url')

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: 'test-results',
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      testDir: 'e2e/web',
      use: {
        baseURL: `http://127.0.0.1:${E2E_PORT}`,
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    {
      name: 'electron',
      testDir: 'e2e/electron',
    },
  ],
  webServer: {
    command: `node out/main/web.js --port ${E2E_PORT} --no-open`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
})
