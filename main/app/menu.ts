/**
 * The application menu as data. Electron's `Menu.buildFromTemplate` turns it into a menu in
 * `index.ts`; building the template separately lets a plain-Node test check every entry, the
 * development-only ones and the macOS layout without starting Electron.
 */
import type { MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../shared/contract'
import { LANGUAGES, type Language } from './desktop-state'
import { LANGUAGE_NAMES, menuText, type MenuTextKey } from './menu-text'

/** What the menu's own (non-role) items do. */
export interface MenuActions {
  /** Forwards a command to the UI (navigation, language). */
  send(command: MenuCommand): void
  /** The user picked a menu language: tell the UI, remember it, rebuild the menu. */
  setLanguage(language: Language): void
  /** Shows the About dialog. */
  about(): void
}

/** Everything the template depends on. */
export interface MenuOptions {
  platform: NodeJS.Platform
  /** Reload and DevTools entries appear only in development. */
  dev: boolean
  language: Language
  appName: string
  actions: MenuActions
}

const VIEWS = ['lab', 'summary', 'quiz', 'classroom'] as const satisfies readonly (MenuCommand & {
  command: 'navigate'
})['view'][]

/** Builds the template of the application menu. */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { platform, dev, language, appName, actions } = options
  const t = (key: MenuTextKey): string => menuText(language, key, appName)
  const mac = platform === 'darwin'
  const sep: MenuItemConstructorOptions = { type: 'separator' }
  const about: MenuItemConstructorOptions = {
    id: 'about',
    label: t('about'),
    click: () => actions.about(),
  }
  const quit: MenuItemConstructorOptions = { id: 'quit', role: 'quit', label: t('quit') }

  const template: MenuItemConstructorOptions[] = []
  if (mac) {
    template.push({
      label: appName,
      submenu: [
        about,
        sep,
        { role: 'services', label: t('services') },
        sep,
        { role: 'hide', label: t('hide') },
        { role: 'hideOthers', label: t('hideOthers') },
        { role: 'unhide', label: t('showAll') },
        sep,
        quit,
      ],
    })
  }
  template.push({
    id: 'file',
    label: t('file'),
    submenu: mac ? [{ role: 'close', label: t('close') }] : [quit],
  })
  template.push({
    id: 'edit',
    label: t('edit'),
    submenu: [
      { role: 'undo', label: t('undo') },
      { role: 'redo', label: t('redo') },
      sep,
      { role: 'cut', label: t('cut') },
      { role: 'copy', label: t('copy') },
      { role: 'paste', label: t('paste') },
      { role: 'selectAll', label: t('selectAll') },
    ],
  })
  template.push({
    id: 'view',
    label: t('view'),
    submenu: [
      ...VIEWS.map((view, i): MenuItemConstructorOptions => ({
        id: `navigate-${view}`,
        label: t(view),
        accelerator: `CmdOrCtrl+${i + 1}`,
        click: () => actions.send({ command: 'navigate', view }),
      })),
      sep,
      { role: 'resetZoom', label: t('resetZoom') },
      { role: 'zoomIn', label: t('zoomIn') },
      { role: 'zoomOut', label: t('zoomOut') },
      sep,
      { role: 'togglefullscreen', label: t('fullScreen') },
      ...(dev
        ? [
            sep,
            { role: 'reload', label: t('reload') } as const,
            { role: 'forceReload', label: t('forceReload') } as const,
            { role: 'toggleDevTools', label: t('devTools') } as const,
          ]
        : []),
    ],
  })
  template.push({
    id: 'language',
    label: t('language'),
    submenu: LANGUAGES.map((lang): MenuItemConstructorOptions => ({
      id: `language-${lang}`,
      label: LANGUAGE_NAMES[lang],
      type: 'radio',
      checked: lang === language,
      click: () => actions.setLanguage(lang),
    })),
  })
  if (mac) {
    template.push({
      id: 'window',
      label: t('window'),
      role: 'window',
      submenu: [
        { role: 'minimize', label: t('minimize') },
        { role: 'zoom', label: t('zoom') },
        sep,
        { role: 'front', label: t('front') },
      ],
    })
  }
  // On macOS, About lives in the app menu, so Help would be empty: leave it out there.
  if (!mac) template.push({ id: 'help', label: t('help'), role: 'help', submenu: [about] })
  return template
}
