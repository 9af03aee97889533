import { describe, expect, it } from 'vitest';
import { editDistance, matchAccount } from '../../src/posture/index.js';

const ACCOUNTS = [
  { id: '210987654321', alias: 'acme-prod-eu', name: 'prod-eu', ouPath: 'Root/Prod' },
  { id: '123456789012', alias: null, name: 'Prod US', ouPath: 'Root/Prod' },
  { id: '111122223333', alias: 'sandbox', name: 'Sandbox', ouPath: null },
];

describe('matchAccount', () => {
  it.each([
    ['210987654321', '210987654321'],
    ['acme-prod-eu', '210987654321'],
    ['PROD-EU', '210987654321'],
    ['prod us', '123456789012'],
    ['sandbox', '111122223333'],
  ])('%s names %s by id, alias or Organizations name, ignoring case', (query, id) => {
    const match = matchAccount(query, ACCOUNTS);
    expect(match.kind).toBe('match');
    expect(match.kind === 'match' && match.account.id).toBe(id);
  });

  it('suggests the closest account for a near miss', () => {
    const match = matchAccount('prod-x', ACCOUNTS);
    expect(match).toEqual({ kind: 'none', suggestion: ACCOUNTS[0] });
    expect(matchAccount('210987654322', ACCOUNTS)).toEqual({ kind: 'none', suggestion: ACCOUNTS[0] });
  });

  it('suggests nothing when nothing is close', () => {
    expect(matchAccount('billing', ACCOUNTS)).toEqual({ kind: 'none', suggestion: null });
    expect(matchAccount('prod-eu', [])).toEqual({ kind: 'none', suggestion: null });
  });

  it('computes Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('prod-x', 'prod-eu')).toBe(2);
  });
});
