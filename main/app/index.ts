/**
 * The desktop app's entry (built to `out/main/index.js`): the composition root. The app
 * itself is in `desktop.ts`; this file only says where the other builds are.
 */
import { fileURLToPath } from 'node:url'
import { startDesktopApp } from './desktop'

// This file is out/main/index.js (or inside app.asar): its siblings are the other builds,
// however Electron was started (`electron .`, `electron out/main/index.js`, installed).
startDesktopApp({ outDir: fileURLToPath(new URL('..', import.meta.url)) })
