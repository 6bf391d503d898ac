import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { SUMMARY_ROWS } from '../../shared/summary-tables'
import { createFakeLab, flush, testGlobals } from '../testing/fake-lab'
import SummaryView from './SummaryView.vue'

afterEach(() => {
  document.body.innerHTML = ''
})

async function summary(language: 'en' | 'zh') {
  const { global } = testGlobals(createFakeLab(), language)
  const w = mount(SummaryView, { global, attachTo: document.body })
  await flush()
  return w
}

describe('SummaryView', () => {
  it('shows the three tables with every row, each case linked to the Lab', async () => {
    const w = await summary('en')
    for (const call of ['connect', 'recv', 'send'])
      expect(w.find(`[data-testid="summary-${call}"]`).exists()).toBe(true)
    expect(w.findAll('tr[data-row]')).toHaveLength(SUMMARY_ROWS.length)
    const refused = w.get('tr[data-row="connect.refused"]')
    expect(refused.text()).toContain('ECONNREFUSED 111')
    expect(refused.text()).toContain('建立连接 §2')
    expect(refused.get('a[data-case-link="connect.refused"]').attributes('href')).toBe(
      '#/lab/connect.refused',
    )
    expect(w.get('tr[data-row="send.epipe"]').text()).toContain('and SIGPIPE')
    // Data in the buffer is shown by send.nat-ack, whose server recv() returns it.
    expect(
      w.get('tr[data-row="recv.data"] a[data-case-link="send.nat-ack"]').attributes('href'),
    ).toBe('#/lab/send.nat-ack')
    w.unmount()
  })

  it('reads in Chinese', async () => {
    const w = await summary('zh')
    expect(w.get('h1').text()).toBe('文章的总结表')
    const blocks = w.get('tr[data-row="recv.blocks"]')
    expect(blocks.text()).toContain('一直阻塞')
    expect(blocks.text()).toContain('连接空闲时网络断开')
    w.unmount()
  })
})
