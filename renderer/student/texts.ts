/**
 * The student page's texts in both languages. The page is not the app (no vue-i18n, no Vue):
 * it is a small page many browsers load at once, so its texts are plain functions.
 */
import type { Refusal } from '../../shared/class/protocol'

/** The page's languages. */
export type StudentLang = 'zh' | 'en'

/** The language a browser's `navigator.language` suggests. */
export function langOf(tag: string | undefined): StudentLang {
  return tag && /^zh\b/i.test(tag) ? 'zh' : 'en'
}

const en = {
  title: 'Live class',
  language: 'Language',
  name: 'Your name',
  nameHint: 'As your teacher knows you. Up to 40 characters.',
  join: 'Join the class',
  joining: 'Joining…',
  joined: (name: string) => `Joined as ${name}`,
  question: (n: number, total: number) => `Question ${n} of ${total}`,
  steps: 'The case does this (the call to predict is marked):',
  predict: 'predict this',
  choose: 'Choose one answer',
  order: 'Put the items in order',
  up: (item: string) => `Move “${item}” up`,
  down: (item: string) => `Move “${item}” down`,
  submit: 'Send my answer',
  sending: 'Sending…',
  sent: 'Answer sent.',
  right: 'Right.',
  wrong: 'Not right.',
  expected: 'The answer:',
  ran: 'The simulator’s run:',
  yours: 'Your answer:',
  next: 'Next question',
  waitStart: 'Waiting for the teacher to start the first question…',
  waitNext: 'Waiting for the teacher to go on…',
  waitReveal: 'Your teacher will show the answer.',
  allDone: 'You have answered every question. Waiting for the teacher…',
  ended: 'The class has ended. Your answers are with your teacher.',
  replaced: 'This class is open on another page of yours; carry on there.',
  reconnecting: 'Connection lost. Reconnecting…',
  noCode: 'This address has no class code in it: open the link your teacher shows.',
  refused: {
    'bad-message': 'The class could not read that.',
    version: 'This page is out of date: reload it.',
    'not-joined': 'Join the class first.',
    'already-joined': 'You have already joined.',
    'name-taken': 'Someone in this class already uses that name: add a letter or your surname.',
    full: 'The class is full.',
    'unknown-question': 'That question is not in this class.',
    closed: 'That question is closed.',
    'bad-answer': 'Choose an answer first.',
  } satisfies Record<Refusal, string>,
}

const zh: typeof en = {
  title: '课堂测验',
  language: '语言',
  name: '你的名字',
  nameHint: '老师认得的名字，最多 40 个字符。',
  join: '加入课堂',
  joining: '正在加入……',
  joined: (name) => `已加入：${name}`,
  question: (n, total) => `第 ${n} 题，共 ${total} 题`,
  steps: '这个案例的步骤（要预测的调用已标出）：',
  predict: '预测这一步',
  choose: '选择一个答案',
  order: '把这些项目排好顺序',
  up: (item) => `把“${item}”上移`,
  down: (item) => `把“${item}”下移`,
  submit: '提交答案',
  sending: '正在提交……',
  sent: '答案已提交。',
  right: '回答正确。',
  wrong: '回答不正确。',
  expected: '正确答案：',
  ran: '模拟器的运行结果：',
  yours: '你的答案：',
  next: '下一题',
  waitStart: '等待老师开始第一题……',
  waitNext: '等待老师继续……',
  waitReveal: '老师稍后会公布答案。',
  allDone: '你已答完所有题目，等待老师……',
  ended: '课堂已结束，你的答案已交给老师。',
  replaced: '你在另一个页面打开了这个课堂，请在那里继续。',
  reconnecting: '连接已断开，正在重新连接……',
  noCode: '这个地址里没有课堂代码：请打开老师展示的链接。',
  refused: {
    'bad-message': '课堂无法读取这条消息。',
    version: '这个页面已过期，请刷新。',
    'not-joined': '请先加入课堂。',
    'already-joined': '你已经加入了。',
    'name-taken': '课堂里已经有人用这个名字，请加一个字母或你的姓。',
    full: '课堂人数已满。',
    'unknown-question': '这道题不在本课堂中。',
    closed: '这道题已关闭。',
    'bad-answer': '请先选择答案。',
  },
}

/** The texts of one language. */
export type StudentTexts = typeof en

/** The texts of `lang`. */
export function textsOf(lang: StudentLang): StudentTexts {
  return lang === 'zh' ? zh : en
}
