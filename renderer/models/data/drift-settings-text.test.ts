import { describe, expect, it } from 'vitest';
import { driftSettingsFromText, driftSettingsToText } from './drift-settings-text';

describe('drift settings as text', () => {
  it('reads the form and writes it back the same', () => {
    const text = { only: 'amount, country', tests: 'amount=psi:0.2, country=:0.15, items=ks', driftShare: '0.3' };
    const read = driftSettingsFromText(text);
    expect(read).toEqual({
      settings: { only: ['amount', 'country'], columns: { amount: { test: 'psi', threshold: 0.2 }, country: { threshold: 0.15 }, items: { test: 'ks' } }, driftShare: 0.3 },
    });
    expect(driftSettingsToText('settings' in read ? read.settings : {})).toEqual(text);
    expect(driftSettingsFromText({ only: '', tests: '', driftShare: '' })).toEqual({ settings: {} });
  });

  it('names the first mistake', () => {
    expect(driftSettingsFromText({ only: '', tests: 'amount=anova', driftShare: '' })).toEqual({ error: expect.stringMatching(/"amount=anova": the test must be one of ks/) });
    expect(driftSettingsFromText({ only: '', tests: 'amount', driftShare: '' })).toEqual({ error: expect.stringMatching(/write column=test/) });
    expect(driftSettingsFromText({ only: '', tests: 'amount=psi:-1', driftShare: '' })).toEqual({ error: expect.stringMatching(/above 0/) });
    expect(driftSettingsFromText({ only: '', tests: 'amount=', driftShare: '' })).toEqual({ error: expect.stringMatching(/give a test, a threshold or both/) });
    expect(driftSettingsFromText({ only: '', tests: '', driftShare: '2' })).toEqual({ error: 'The drift share must be above 0 and at most 1.' });
  });
});
