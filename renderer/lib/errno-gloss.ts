/**
 * What an OS's error message says, in Chinese. The OSes write their messages in English
 * (strerror in the C locale, Winsock's FormatMessage): a Chinese reader gets this gloss, with
 * the OS's own words kept beside it where there is room. A gloss says what the message says
 * (what the error means is shared/errno.ts ERRNO_MEANING) and has no brackets: the trace
 * writes it in brackets itself.
 */
import type { ErrnoName } from '../../shared/errno'

/** The gloss of each errno the lab can report. */
export const ERRNO_GLOSS_ZH: Record<ErrnoName, string> = {
  ECONNREFUSED: '连接被拒绝',
  ETIMEDOUT: '连接超时',
  ECONNRESET: '连接被对端重置',
  EPIPE: '管道已断开',
  EHOSTUNREACH: '没有到达主机的路由',
  ENETUNREACH: '网络不可达',
  ECONNABORTED: '连接被本机软件中止',
  EAGAIN: '资源暂时不可用',
  EINPROGRESS: '操作正在进行中',
  ENETRESET: '网络在重置时断开了连接',
  ENOTCONN: '传输端点尚未连接',
  EACCES: '权限不足',
  EINVAL: '参数无效',
  ESHUTDOWN: '传输端点已关闭，不能再发送',
  EBADF: '文件描述符无效',
  EADDRINUSE: '地址已被使用',
  EADDRNOTAVAIL: '无法分配请求的地址',
  EISCONN: '传输端点已经连接',
  EINTR: '系统调用被中断',
}
