import { describe, expect, it } from 'vitest'
import { addStudent, chooseStudent, isShown, ownAttempt, profiles } from './quiz-profiles'

describe('students sharing a lab PC', () => {
  it('keeps each attempt with its student and shows only the chosen one’s', () => {
    expect(addStudent('  Ada ')).toBe('Ada')
    expect(addStudent('ada')).toBe('Ada') // the same student, whatever the letter case
    addStudent('Bo')
    expect(profiles.names).toEqual(['Ada', 'Bo'])
    ownAttempt('a1', 'Ada')
    ownAttempt('b1', 'Bo')
    chooseStudent('Ada')
    expect(isShown('a1')).toBe(true)
    expect(isShown('b1')).toBe(false)
    expect(isShown('unowned')).toBe(false)
    chooseStudent('')
    expect(isShown('b1')).toBe(true)
    expect(JSON.parse(localStorage.getItem('sal.attemptOwner') ?? '{}')).toEqual({
      a1: 'Ada',
      b1: 'Bo',
    })
  })
})
