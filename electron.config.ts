/**
 * electron-vite build of the three processes. Always called with `-c electron.config.ts`
 * (electron-vite only looks for `electron.vite.config.*` by itself).
 *
 * main: every Node entry is built here, so the desktop app, browser mode and the CLI run
 * from `out/main` without tsx (the kernel lab's programs are Perl text inside the bundle).
 * Runtime dependencies stay external (node-sqlite3-wasm must load its .wasm beside it).
 */
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// npm scripts always run from the package root.
const root = process.cwd()

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/app/index.ts'),
          web: resolve(root, 'main/web/index.ts'),
          cli: resolve(root, 'main/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload must be one CommonJS file with no imports but electron.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The app, and the live class's student page (its own small entry: the class server
      // serves only it and the files it reaches, main/class/student-files.ts).
      rolldownOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          student: resolve(root, 'renderer/student.html'),
        },
      },
    },
  },
})
