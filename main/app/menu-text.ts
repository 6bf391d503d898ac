/**
 * The menu's words in both UI languages. A `satisfies` table: a missing entry in either
 * language is a compile error. The language names themselves are always written in their own
 * language, so a user who cannot read the current one can still find theirs.
 */
import type { Language } from './desktop-state'

/** One menu label. */
export type MenuTextKey =
  | 'file'
  | 'quit'
  | 'close'
  | 'edit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'view'
  | 'lab'
  | 'summary'
  | 'quiz'
  | 'classroom'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'fullScreen'
  | 'reload'
  | 'forceReload'
  | 'devTools'
  | 'language'
  | 'window'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'help'
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'showAll'
  | 'services'

/** Menu labels; `{app}` is the application name. */
export const MENU_TEXT = {
  en: {
    file: 'File',
    quit: 'Quit {app}',
    close: 'Close Window',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    view: 'View',
    lab: 'Lab',
    summary: 'Summary Tables',
    quiz: 'Quiz',
    classroom: 'Classroom',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    fullScreen: 'Toggle Full Screen',
    reload: 'Reload',
    forceReload: 'Force Reload',
    devTools: 'Toggle Developer Tools',
    language: 'Language',
    window: 'Window',
    minimize: 'Minimize',
    zoom: 'Zoom',
    front: 'Bring All to Front',
    help: 'Help',
    about: 'About {app}',
    hide: 'Hide {app}',
    hideOthers: 'Hide Others',
    showAll: 'Show All',
    services: 'Services',
  },
  zh: {
    file: '文件',
    quit: '退出 {app}',
    close: '关闭窗口',
    edit: '编辑',
    undo: '撤销',
    redo: '重做',
    cut: '剪切',
    copy: '复制',
    paste: '粘贴',
    selectAll: '全选',
    view: '视图',
    lab: '实验',
    summary: '总结表',
    quiz: '测验',
    classroom: '课堂',
    resetZoom: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    fullScreen: '切换全屏',
    reload: '重新加载',
    forceReload: '强制重新加载',
    devTools: '切换开发者工具',
    language: '语言',
    window: '窗口',
    minimize: '最小化',
    zoom: '缩放',
    front: '全部置于顶层',
    help: '帮助',
    about: '关于 {app}',
    hide: '隐藏 {app}',
    hideOthers: '隐藏其他',
    showAll: '全部显示',
    services: '服务',
  },
} as const satisfies Record<Language, Record<MenuTextKey, string>>

/** Each language's name in itself. */
export const LANGUAGE_NAMES = { zh: '中文', en: 'English' } as const satisfies Record<
  Language,
  string
>

/** A label in `language`, with the app name filled in. */
export function menuText(language: Language, key: MenuTextKey, appName: string): string {
  return MENU_TEXT[language][key].replace('{app}', appName)
}
