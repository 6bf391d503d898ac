/**
 * The default branch of a switch that must name every case (an op, a TCP state, a timer or
 * rule kind): adding a member to the union makes every such switch a compile error until it
 * says what the new member does, and a value the types did not foresee fails loudly.
 */
export function unreachable(value: never, what: string): never {
  throw new Error(`simulator: unhandled ${what} ${JSON.stringify(value)}`)
}
