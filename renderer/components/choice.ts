/** One option of a {@link SegmentedChoice}. */
export interface ChoiceOption<V extends string> {
  value: V
  label: string
  disabled?: boolean
  /** Shown as a tooltip: why it is disabled, or what it does. */
  hint?: string
}
