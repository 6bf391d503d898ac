/**
 * Hash navigation: `#/lab`, `#/lab/connect.refused`, `#/summary`... A hash keeps working from a
 * `file://` page in Electron and from browser mode alike, and needs no router library.
 */

import { BACKEND_IDS, PROFILE_IDS, type BackendId, type ProfileId } from '../../shared/lab-script'

/** The app's top-level views. */
export const VIEWS = ['lab', 'summary', 'quiz', 'classroom'] as const
/** One of {@link VIEWS}. */
export type ViewId = (typeof VIEWS)[number]

/**
 * Pages reached from a view rather than from the top bar: `#/sheet/<case>?profile=P`, the
 * printable lab sheet of a case.
 */
export const PAGES = ['sheet'] as const
/** A view of the top bar, or one of {@link PAGES}. */
export type PageId = ViewId | (typeof PAGES)[number]

/** Where the user is. */
export interface Route {
  view: PageId
  /** Lab view and lab sheet: the case to open. */
  caseId?: string
  /**
   * Lab deep links only (`#/lab/peer.crash-fin?backend=kernel&profile=windows&run`): how to
   * open the case, and whether to run it at once. Unknown values are ignored.
   */
  backend?: BackendId
  profile?: ProfileId
  run?: boolean
}

/** Reads a location hash; anything unknown opens the Lab view. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?')
  const [view, ...rest] = path.split('/')
  const known = ([...VIEWS, ...PAGES] as readonly string[]).includes(view ?? '')
    ? (view as PageId)
    : 'lab'
  const withCase = known === 'lab' || known === 'sheet'
  const caseId = withCase && rest[0] ? decodeURIComponent(rest[0]) : undefined
  // A sheet is always of a case: without one, the Lab opens.
  if (!caseId) return { view: known === 'sheet' ? 'lab' : known }
  const route: Route = { view: known, caseId }
  const params = new URLSearchParams(query)
  const backend = params.get('backend')
  const profile = params.get('profile')
  if ((BACKEND_IDS as readonly string[]).includes(backend ?? ''))
    route.backend = backend as BackendId
  if ((PROFILE_IDS as readonly string[]).includes(profile ?? ''))
    route.profile = profile as ProfileId
  if (params.has('run')) route.run = true
  return route
}

/** The hash of a route. */
export function formatHash(route: Route): string {
  if (!route.caseId) return `#/${route.view}`
  const params = new URLSearchParams()
  if (route.backend) params.set('backend', route.backend)
  if (route.profile) params.set('profile', route.profile)
  if (route.run) params.set('run', '')
  const query = params.toString().replace(/=(&|$)/g, '$1')
  return `#/${route.view}/${encodeURIComponent(route.caseId)}${query ? `?${query}` : ''}`
}
