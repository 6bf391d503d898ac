/**
 * The scenario catalog: every case of the article (ids from `docs/article-map.md`) as a lab
 * script. Scripts describe only what the student *does* (calls and network faults); what the
 * calls return comes from the backend that runs them, never from this file.
 */
import type { ScenarioSummary } from '../contract'
import { parseLabScript, type LabScript, type LabScriptInput } from '../lab-script'
import { CONNECT_CASES } from './connect'
import { DATA_CASES } from './data'
import { BOUNDARY_CASES } from './boundary'
import { MORE_CASES } from './more'
import { NONBLOCKING_CASES } from './nonblocking'

/** A catalog case: a lab script plus where it sits in the picker. */
export interface CatalogCase {
  script: LabScriptInput & { id: string; title: { en: string; zh: string }; section: string }
  group: ScenarioSummary['group']
  /** Backends that can express it at all. */
  backends: ScenarioSummary['backends']
}

/** Every case, in the article's order, then the textbook's boundary cases. */
export const CATALOG: readonly CatalogCase[] = [
  ...CONNECT_CASES,
  ...DATA_CASES,
  ...MORE_CASES,
  ...BOUNDARY_CASES,
  ...NONBLOCKING_CASES,
]

/** Finds a case by id. */
export function findCase(id: string): CatalogCase | undefined {
  return CATALOG.find((c) => c.script.id === id)
}

/** The picker's view of the catalog. */
export function listScenarios(): ScenarioSummary[] {
  return CATALOG.map((c) => ({
    id: c.script.id,
    title: c.script.title,
    section: c.script.section,
    group: c.group,
    backends: [...c.backends],
  }))
}

/** The validated script of a case (defaults applied); `undefined` for an unknown id. */
export function scenarioScript(id: string): LabScript | undefined {
  const found = findCase(id)
  if (!found) return undefined
  const parsed = parseLabScript(found.script)
  if (!parsed.ok) throw new Error(`catalog case ${id} is invalid: ${parsed.message}`)
  return parsed.script
}
