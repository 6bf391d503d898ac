/**
 * The About dialog's text. The runtime versions matter to a teacher reporting a problem, and
 * the article's origin matters to a student: both are in it.
 */
import type { Language } from './desktop-state'

/** Versions and names shown in the dialog. */
export interface AboutFacts {
  appName: string
  version: string
  electron: string
  chrome: string
  node: string
  platform: string
  arch: string
}

/** The dialog's three parts, in the menu's language. */
export function aboutText(
  facts: AboutFacts,
  language: Language,
): { title: string; message: string; detail: string } {
  const runtime = [
    `Electron ${facts.electron}`,
    `Chromium ${facts.chrome}`,
    `Node.js ${facts.node}`,
    `${facts.platform} ${facts.arch}`,
  ].join('\n')
  if (language === 'zh') {
    return {
      title: `关于 ${facts.appName}`,
      message: `${facts.appName} ${facts.version}`,
      detail: [
        '亲手制造网络异常，观察 TCP 的反应，以及 connect()、recv()、send() 的返回值。',
        '模拟器与真实内核运行同一份实验脚本。',
        '',
        runtime,
        '',
        'MIT 许可证',
      ].join('\n'),
    }
  }
  return {
    title: `About ${facts.appName}`,
    message: `${facts.appName} ${facts.version}`,
    detail: [
      'Cause network anomalies yourself and watch what TCP does and what connect(), recv() and send() return.',
      'The simulator and the real kernel run the same lab scripts.',
      '',
      runtime,
      '',
      'MIT License',
    ].join('\n'),
  }
}
