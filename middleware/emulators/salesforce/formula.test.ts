import { compileFormula } from './formula';

const NOW = new Date('2026-03-10T12:00:00Z');

/** Evaluates a formula over `now` and `prior` field values (prior absent = insert). */
function run(src: string, now: Record<string, unknown>, prior?: Record<string, unknown>): unknown {
  return compileFormula(src).evaluate({
    now: NOW,
    isNew: prior === undefined,
    ref: (name) => now[name] ?? null,
    ...(prior ? { prior: (name: string) => prior[name] ?? null } : {}),
  });
}

describe('formula engine: validation rule functions', () => {
  it('ISCHANGED compares the saved value with the new one, and is false on insert', () => {
    expect(run('ISCHANGED(Amount)', { Amount: 5 }, { Amount: 4 })).toBe(true);
    expect(run('ISCHANGED(Amount)', { Amount: 5 }, { Amount: 5 })).toBe(false);
    expect(run('ISCHANGED(Code__c)', { Code__c: '' }, { Code__c: null })).toBe(false);
    expect(run('ISCHANGED(Amount)', { Amount: 5 })).toBe(false);
  });

  it('ISNEW is true only on insert; PRIORVALUE gives the saved value (the current one on insert)', () => {
    expect(run('ISNEW()', {})).toBe(true);
    expect(run('ISNEW()', {}, {})).toBe(false);
    expect(run('PRIORVALUE(StageName)', { StageName: 'Closed Won' }, { StageName: 'Prospecting' })).toBe('Prospecting');
    expect(run('PRIORVALUE(StageName)', { StageName: 'Closed Won' })).toBe('Closed Won');
  });

  it('MOD, comparisons and blank numbers behave like the platform', () => {
    expect(run('MOD(Term__c, 3) <> 0', { Term__c: 12 })).toBe(false);
    expect(run('MOD(Term__c, 12) <> 0', { Term__c: 18 })).toBe(true);
    expect(run('MOD(Term__c, 3)', {})).toBeNull();
    expect(run('OR(ISBLANK(Term__c), Term__c <= 0)', {})).toBe(true);
    expect(run('OR(ISBLANK(Term__c), Term__c <= 0)', { Term__c: 6 })).toBe(false);
  });

  it('reads $ globals, cross-object paths and picklists through the reference resolver', () => {
    const values = { '$Permission.Write_Fields': false, 'Account.BillingCity': '', 'Contact__r.Email': 'a@b.example', Status__c: 'Synced' };
    expect(run('AND(NOT($Permission.Write_Fields), ISPICKVAL(Status__c, "Synced"))', values)).toBe(true);
    expect(run('ISBLANK(Account.BillingCity)', values)).toBe(true);
    expect(run('ISBLANK(Contact__r.Email)', values)).toBe(false);
    expect(run('ISBLANK(TEXT(Entity__c))', values)).toBe(true);
  });

  it('lists what a formula uses and refuses functions it cannot evaluate', () => {
    const f = compileFormula('AND(IsWon, ISCHANGED(StageName), NOT($Permission.X))');
    expect(f.functions.sort()).toEqual(['AND', 'ISCHANGED', 'NOT']);
    expect(f.references.sort()).toEqual(['$Permission.X', 'IsWon', 'StageName']);
    expect(() => compileFormula('AND(IsWon, REGEX(Name, "x"))')).toThrow('unsupported function REGEX');
    expect(() => compileFormula('ISCHANGED(1 + 2)')).toThrow('ISCHANGED takes one field');
    expect(() => compileFormula('AND(IsWon,')).toThrow();
  });
});
