/**
 * The teacher's live class (docs/live-class.md): start one from an imported pack, follow it
 * (the status is asked for once a second through the contract while a class runs: simple, and
 * the same over IPC and browser mode's socket), move it on, reveal answers, end it.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { LiveControl, LiveStart } from '../../shared/class/control'
import type { LiveStatus } from '../../shared/class/status'
import type { RoomAddress } from '../../shared/contract'
import { plainText } from '../lib/plain-text'
import { useLabApi } from './lab-api'

/** How often the teacher's view asks for the class's status. */
export const POLL_MS = 1000

/** Live class state and actions. */
export const useLiveClassStore = defineStore('liveClass', () => {
  const api = useLabApi('useLiveClassStore')
  const status = shallowRef<LiveStatus | null>(null)
  /** The last class's final status, after it ended. */
  const ended = shallowRef<LiveStatus | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)
  const addresses = ref<RoomAddress[]>([])
  let timer: ReturnType<typeof setInterval> | undefined
  let asking = false

  function poll(on: boolean): void {
    if (on && timer === undefined) timer = setInterval(() => void refresh(), POLL_MS)
    if (!on && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }

  /** Asks for the status now (a class may be running from before a reload). */
  async function refresh(): Promise<void> {
    if (asking) return
    asking = true
    try {
      const answer = await api.classStatus()
      if (answer.ok) {
        status.value = answer.value
        poll(answer.value !== null)
      } else error.value = plainText(answer.error.message)
    } finally {
      asking = false
    }
  }

  async function loadAddresses(): Promise<void> {
    const answer = await api.classAddresses()
    if (answer.ok) addresses.value = answer.value
  }

  async function start(request: LiveStart): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      const answer = await api.classStart(request)
      if (!answer.ok) {
        error.value = plainText(answer.error.message)
        return false
      }
      status.value = answer.value
      ended.value = null
      poll(true)
      return true
    } finally {
      busy.value = false
    }
  }

  async function control(command: LiveControl): Promise<void> {
    const answer = await api.classControl(command)
    if (answer.ok) {
      status.value = answer.value
      error.value = null
    } else error.value = plainText(answer.error.message)
  }

  async function end(): Promise<boolean> {
    busy.value = true
    try {
      const answer = await api.classEnd()
      poll(false)
      if (!answer.ok) {
        error.value = plainText(answer.error.message)
        status.value = null
        return false
      }
      ended.value = answer.value
      status.value = null
      return true
    } finally {
      busy.value = false
    }
  }

  /** Stops asking (the view went away; the class itself goes on in main). */
  function stopPolling(): void {
    poll(false)
  }

  return {
    status,
    ended,
    error,
    busy,
    addresses,
    refresh,
    loadAddresses,
    start,
    control,
    end,
    stopPolling,
  }
})
