/** How a store reaches the contract: the API the app provided (tests provide a fake). */
import { inject } from 'vue'
import { LAB_API, type RendererApi } from '../api/index'

/** The provided lab API; call it in a store's setup. */
export function useLabApi(store: string): RendererApi {
  const api = inject(LAB_API, undefined)
  if (!api) throw new Error(`${store} needs the lab API: app.provide(LAB_API, api) first.`)
  return api
}
