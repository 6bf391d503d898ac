import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { MenuCommand } from '../../shared/contract'
import { buildMenuTemplate, type MenuOptions } from './menu'

function options(overrides: Partial<MenuOptions> = {}) {
  const sent: MenuCommand[] = []
  const actions = {
    send: (command: MenuCommand) => sent.push(command),
    setLanguage: vi.fn(),
    about: vi.fn(),
  }
  return {
    sent,
    actions,
    options: {
      platform: 'linux',
      dev: false,
      language: 'en',
      appName: 'Socket Anomaly Lab',
      actions,
      ...overrides,
    } satisfies MenuOptions,
  }
}

/** Every item of the template, depth first. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [
    item,
    ...(Array.isArray(item.submenu) ? flatten(item.submenu) : []),
  ])
}

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const item = flatten(items).find((i) => i.id === id)
  if (!item) throw new Error(`no menu item ${id}`)
  return item
}

function click(item: MenuItemConstructorOptions): void {
  // The menu's own items ignore click's arguments; Electron's are not available in a test.
  ;(item.click as () => void)()
}

const roles = (items: MenuItemConstructorOptions[]) => flatten(items).map((i) => i.role)

describe('buildMenuTemplate', () => {
  it('has the usual entries: quit, zoom, full screen, language, about', () => {
    const template = buildMenuTemplate(options().options)
    expect(roles(template)).toEqual(
      expect.arrayContaining(['quit', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
    )
    expect(template.map((i) => i.label)).toEqual(['File', 'Edit', 'View', 'Language', 'Help'])
    expect(find(template, 'about').label).toBe('About Socket Anomaly Lab')
  })

  it('offers reload and DevTools only in development', () => {
    const prod = roles(buildMenuTemplate(options().options))
    const dev = roles(buildMenuTemplate(options({ dev: true }).options))
    for (const role of ['reload', 'forceReload', 'toggleDevTools'] as const) {
      expect(prod).not.toContain(role)
      expect(dev).toContain(role)
    }
  })

  it('sends navigation commands with Ctrl/Cmd+1..4', () => {
    const { options: o, sent } = options()
    const template = buildMenuTemplate(o)
    const views = ['lab', 'summary', 'quiz', 'classroom'] as const
    views.forEach((view, i) => {
      const item = find(template, `navigate-${view}`)
      expect(item.accelerator).toBe(`CmdOrCtrl+${i + 1}`)
      click(item)
    })
    expect(sent).toEqual(views.map((view) => ({ command: 'navigate', view })))
  })

  it('offers both languages by their own names, the current one checked', () => {
    const { options: o, actions } = options({ language: 'zh' })
    const template = buildMenuTemplate(o)
    const zh = find(template, 'language-zh')
    const en = find(template, 'language-en')
    expect([zh.label, zh.type, zh.checked]).toEqual(['中文', 'radio', true])
    expect([en.label, en.checked]).toEqual(['English', false])
    click(en)
    expect(actions.setLanguage).toHaveBeenCalledWith('en')
    expect(template.map((i) => i.label)).toEqual(['文件', '编辑', '视图', '语言', '帮助'])
  })

  it('opens the About dialog from Help', () => {
    const { options: o, actions } = options()
    click(find(buildMenuTemplate(o), 'about'))
    expect(actions.about).toHaveBeenCalledOnce()
  })

  it('follows macOS conventions: app menu with About and Quit, Window menu, no Help', () => {
    const template = buildMenuTemplate(options({ platform: 'darwin' }).options)
    expect(template.map((i) => i.label)).toEqual([
      'Socket Anomaly Lab',
      'File',
      'Edit',
      'View',
      'Language',
      'Window',
    ])
    const appMenu = template[0]!.submenu as MenuItemConstructorOptions[]
    expect(appMenu.map((i) => i.id ?? i.role ?? i.type)).toEqual(
      expect.arrayContaining(['about', 'quit', 'hide', 'services']),
    )
    expect(roles(template.slice(1))).not.toContain('quit')
  })

  it('labels every entry except separators', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const language of ['en', 'zh'] as const) {
        const items = flatten(buildMenuTemplate(options({ platform, language, dev: true }).options))
        for (const item of items.filter((i) => i.type !== 'separator')) {
          expect(item.label, JSON.stringify(item)).toBeTruthy()
        }
      }
    }
  })
})
