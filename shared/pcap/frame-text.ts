/**
 * The words of the per-frame comments of an exported capture, in both UI languages. Calls stay
 * as code (`connect(7000)`, `drop SYN c2s`, shared/trace-text.ts), as in the app's trace.
 */

/** The languages a capture's comments are written in. */
export type PcapLang = 'en' | 'zh'

/** Who sends or receives on the capture's path. */
export type PcapParty = 'client' | 'client2' | 'client3' | 'client4' | 'server' | 'middlebox'

/** The phrases a frame comment is made of. */
export interface FrameTexts {
  party(p: PcapParty): string
  /** `step 3 (client connect(7000))`: a step named by its index and call. */
  step(index: number, call: string): string
  /** A call of the sender's own program sent it. */
  sentBy(step: string): string
  /** The sender's TCP sent it on its own (a reply, an ACK, a timer), after that step. */
  sentAfter(party: string, step: string): string
  /** The sender's TCP sent it before any step. */
  sentByTcp(party: string): string
  /** A retransmission; `first`: the step that sent the original, when one did. */
  retransmission(party: string, first?: string): string
  droppedBy(step: string): string
  droppedHostDown(party: string, step: string): string
  droppedFirewall: string
  droppedOnTheWay: string
  rejectedBy(step: string): string
  rejectedFirewall: string
  heldBy(step: string): string
  held: string
  firewallRst(party: string): string
  reconstructed: string
  icmpAbout(icmp: string, frame: number, cause: string): string
  icmpUnmatched(icmp: string): string
  /** The file's own comment: what the frames are and where the numbers come from. */
  section(backend: string, profile: string, id: string): string
}

const EN: FrameTexts = {
  party: (p) => p,
  step: (i, call) => `step ${i} (${call})`,
  sentBy: (step) => `sent by ${step}`,
  sentAfter: (party, step) => `sent by the ${party}'s TCP on its own, after ${step}`,
  sentByTcp: (party) => `sent by the ${party}'s TCP on its own`,
  retransmission: (party, first) =>
    `retransmission by the ${party}'s TCP (timer)${first ? `, first sent by ${first}` : ''}`,
  droppedBy: (step) => `dropped by ${step}: it never arrived`,
  droppedHostDown: (party, step) => `dropped: the ${party} host is down since ${step}`,
  droppedFirewall: 'dropped by the stateful firewall: it had forgotten this connection',
  droppedOnTheWay: 'dropped on the way: it never arrived',
  rejectedBy: (step) => `rejected by ${step}: an ICMP error goes back to its sender`,
  rejectedFirewall:
    'rejected by the stateful firewall (it had forgotten this connection): it answers with an RST',
  heldBy: (step) => `held by the middlebox (${step})`,
  held: 'held by the middlebox',
  firewallRst: (party) => `RST made by the stateful firewall in the ${party}'s name`,
  reconstructed:
    "seq/ack reconstructed: the kernel lab's packet capture did not see this segment, only its trace did",
  icmpAbout: (icmp, frame, cause) => `ICMP ${icmp} about frame ${frame}, caused by ${cause}`,
  icmpUnmatched: (icmp) => `ICMP ${icmp}: the run did not record which segment it answers`,
  section: (backend, profile, id) =>
    `Socket Anomaly Lab: ${id} on the ${backend === 'kernel' ? 'kernel lab' : 'simulator'}, profile ${profile}. ` +
    'Addresses, ports and initial sequence numbers are the exporter’s (see docs/pcap-export.md); ' +
    'time stamps are 2024-01-01T00:00:00Z plus the run clock; payloads are zeros.',
}

const ZH: FrameTexts = {
  party: (p) =>
    p === 'server'
      ? '服务端'
      : p === 'middlebox'
        ? '中间设备'
        : p === 'client'
          ? '客户端'
          : `客户端 ${p.slice('client'.length)}`,
  step: (i, call) => `第 ${i} 步（${call}）`,
  sentBy: (step) => `由${step}发出`,
  sentAfter: (party, step) => `${party}的 TCP 自行发出，在${step}之后`,
  sentByTcp: (party) => `${party}的 TCP 自行发出`,
  retransmission: (party, first) =>
    `${party}的 TCP 重传（定时器）${first ? `，最初由${first}发出` : ''}`,
  droppedBy: (step) => `被${step}丢弃：没有到达`,
  droppedHostDown: (party, step) => `被丢弃：${party}主机自${step}起已宕机`,
  droppedFirewall: '被状态防火墙丢弃：它已忘记这个连接',
  droppedOnTheWay: '在途中被丢弃：没有到达',
  rejectedBy: (step) => `被${step}拒绝：一个 ICMP 错误返回给发送方`,
  rejectedFirewall: '被状态防火墙拒绝（它已忘记这个连接）：它以 RST 回应',
  heldBy: (step) => `被中间设备扣留（${step}）`,
  held: '被中间设备扣留',
  firewallRst: (party) => `状态防火墙以${party}的名义构造的 RST`,
  reconstructed: '序号与确认号为推算值：内核实验的抓包没有看到这个报文，只有跟踪看到了',
  icmpAbout: (icmp, frame, cause) => `ICMP ${icmp}，针对第 ${frame} 帧，由${cause}引起`,
  icmpUnmatched: (icmp) => `ICMP ${icmp}：运行没有记录它回应的是哪个报文`,
  section: (backend, profile, id) =>
    `Socket Anomaly Lab：${id}，${backend === 'kernel' ? '内核实验' : '模拟器'}，配置 ${profile}。` +
    '地址、端口与初始序号由导出程序给定（见 docs/pcap-export.md）；' +
    '时间戳为 2024-01-01T00:00:00Z 加上运行时钟；载荷为全零。',
}

/** The comment phrases in one language. */
export function frameTexts(lang: PcapLang): FrameTexts {
  return lang === 'zh' ? ZH : EN
}
