/**
 * Where the renderer's {@link LabApi} comes from: the Electron preload's `window.lab`, or in a
 * plain browser (browser mode) a WebSocket client to the page's own server.
 */
import type { InjectionKey } from 'vue'
import type { LabApi } from '../../shared/contract'
import { createWebLab, labSocketUrl, type LabConnection } from './web-lab'

/** The API as the stores see it; browser mode adds the connection state. */
export type RendererApi = LabApi & Partial<LabConnection>

/** Provide/inject key of the API (the stores inject it; tests provide a fake). */
export const LAB_API: InjectionKey<RendererApi> = Symbol('lab-api')

/** The API of this window: the preload's when present, else browser mode's WebSocket client. */
export function resolveLabApi(win: Window = window): RendererApi {
  return win.lab ?? createWebLab({ url: labSocketUrl(win.location) })
}
