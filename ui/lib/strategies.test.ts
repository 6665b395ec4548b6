import { describe, expect, it } from 'vitest';
import { initialRollout, rolloutChoices } from './strategies';

describe('the strategies the release forms offer', () => {
  it('MLServer (HOT_SWAP, ROLLBACK): hot swap only, and a stored CANARY default falls back to it', () => {
    const choices = rolloutChoices(['HOT_SWAP', 'ROLLBACK']);
    expect(choices).toEqual(['HOT_SWAP']);
    expect(initialRollout('CANARY', choices)).toBe('HOT_SWAP');
  });

  it('the built-in platform (every strategy) and an unknown answer (null) offer both, keeping the preferred default', () => {
    for (const supported of [['HOT_SWAP', 'CANARY', 'PROMOTION', 'ROLLBACK'], null, undefined]) {
      const choices = rolloutChoices(supported);
      expect(choices).toEqual(['CANARY', 'HOT_SWAP']);
      expect(initialRollout('HOT_SWAP', choices)).toBe('HOT_SWAP');
      expect(initialRollout('CANARY', choices)).toBe('CANARY');
    }
  });
});
