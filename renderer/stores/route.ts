/**
 * Hash navigation: `#/lab`, `#/lab/connect.refused`, `#/summary`... A hash keeps working from a
 * `file://` page in Electron and from browser mode alike, and needs no router library.
 */

/** The app's top-level views. */
export const VIEWS = ['lab', 'summary', 'quiz', 'classroom'] as const
/** One of {@link VIEWS}. */
export type ViewId = (typeof VIEWS)[number]

/** Where the user is. */
export interface Route {
  view: ViewId
  /** Lab view only: the case to open. */
  caseId?: string
}

/** Reads a location hash; anything unknown opens the Lab view. */
export function parseHash(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/')
  const known = (VIEWS as readonly string[]).includes(view ?? '') ? (view as ViewId) : 'lab'
  const caseId = known === 'lab' && rest[0] ? decodeURIComponent(rest[0]) : undefined
  return caseId ? { view: known, caseId } : { view: known }
}

/** The hash of a route. */
export function formatHash(route: Route): string {
  return route.caseId ? `#/${route.view}/${encodeURIComponent(route.caseId)}` : `#/${route.view}`
}
