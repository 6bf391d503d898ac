import { describe, expect, it } from 'vitest'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from './program-report.fixture'
import {
  gradeReportSchema,
  isGradeReportText,
  KEPT,
  KEPT_MARKER,
  keptReport,
  parseGradeReport,
  whoseMissing,
} from './program-report'

const text = (value: unknown): string => JSON.stringify(value, null, 2)

describe('the grade report file', () => {
  it('reads a report as socklab grade writes it, and knows it for one', () => {
    const report = sampleReport('Ann', NAIVE_CASES)
    const read = parseGradeReport(text(report))
    expect(read).toEqual({ ok: true, report })
    expect(isGradeReportText(text(report))).toBe(true)
    expect(isGradeReportText('{"socklabResult": 1}')).toBe(false)
  })

  it('reads an older report without student, class or version (they are optional)', () => {
    const { classCode: _c, appVersion: _v, ...old } = sampleReport(undefined, ROBUST_CASES)
    const read = parseGradeReport(text(old))
    expect(read.ok).toBe(true)
    if (read.ok) expect(whoseMissing(read.report)).toMatch(/does not say whose .*--student NAME/)
    expect(whoseMissing(sampleReport('Ann', ROBUST_CASES))).toBeUndefined()
  })

  it('names the field that is wrong', () => {
    const bad = { ...sampleReport('Ann', NAIVE_CASES), gradedAt: 'yesterday' }
    expect(parseGradeReport(text(bad))).toEqual({
      ok: false,
      message: expect.stringMatching(/^field "gradedAt": is not an ISO 8601 date/),
    })
    const extra = { ...sampleReport('Ann', NAIVE_CASES), grade: 'A+' }
    expect(parseGradeReport(text(extra))).toEqual({
      ok: false,
      message: 'field "(file)": unknown field "grade"',
    })
    const check = sampleReport('Ann', NAIVE_CASES)
    const broken = JSON.parse(text(check)) as { cases: { checks: { check: string }[] }[] }
    broken.cases[1]!.checks[0]!.check = 'style'
    expect(parseGradeReport(text(broken))).toEqual({
      ok: false,
      message: expect.stringMatching(/^field "cases\.1\.checks\.0\.check": Invalid option/),
    })
  })

  it('refuses another version, broken JSON and a file that is no report at all', () => {
    expect(
      parseGradeReport(text({ ...sampleReport('A', ROBUST_CASES), programLabResult: 2 })),
    ).toEqual({
      ok: false,
      message: 'field "programLabResult": report version 2 is not supported (1 is)',
    })
    expect(parseGradeReport('{"programLabResult": 1,')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not JSON: line 1/),
    })
    expect(parseGradeReport('{"socklabResult": 1}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('field "programLabResult"'),
    })
  })

  it('refuses a report whose verdicts do not add up (edited into a pass)', () => {
    const edited = sampleReport('Ann', NAIVE_CASES)
    edited.cases[0]!.passed = true
    expect(parseGradeReport(text(edited))).toEqual({
      ok: false,
      message:
        'field "cases.0.passed": case connect.refused is marked passed, its checks say failed, so the report was edited; not imported.',
    })
    const score = { ...sampleReport('Ann', NAIVE_CASES), score: { passed: 3, total: 3 } }
    expect(parseGradeReport(text(score))).toMatchObject({
      message: expect.stringContaining(
        'field "score.passed": the score says 3 cases passed, 0 did',
      ),
    })
    const whole = { ...sampleReport('Ann', NAIVE_CASES), passed: true }
    expect(parseGradeReport(text(whole))).toMatchObject({
      message: expect.stringContaining('field "passed": it is marked passed, 0 of 3 cases passed'),
    })
  })

  it('keeps every verdict but cuts long evidence for the gradebook, still a valid report', () => {
    const report = sampleReport('Ann', NAIVE_CASES)
    const p = report.cases[0]!.program!
    p.stderr = 'x'.repeat(KEPT.outputChars + 500)
    p.calls = Array.from({ length: KEPT.calls + 50 }, () => p.calls[0]!)
    const kept = keptReport(report)
    const k = kept.cases[0]!.program!
    expect(k.stderr).toHaveLength(KEPT.outputChars + KEPT_MARKER.length)
    expect(k.stderrCut).toBe(true)
    expect(k.calls).toHaveLength(KEPT.calls)
    expect(k.callsCut).toBe(true)
    expect(kept.cases.map((c) => c.checks)).toEqual(report.cases.map((c) => c.checks))
    expect(gradeReportSchema.safeParse(kept).success).toBe(true)
  })
})
