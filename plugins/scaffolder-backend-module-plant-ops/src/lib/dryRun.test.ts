import yaml from 'yaml';
import { dryRunField, isDryRun, withDryRunExample } from './dryRun';
import { z } from 'zod/v3';

describe('isDryRun', () => {
  it("is the scaffolder's dry-run or the step's dryRun input, nothing else", () => {
    expect(isDryRun({ isDryRun: true, input: {} })).toBe(true);
    expect(isDryRun({ isDryRun: false, input: { dryRun: true } })).toBe(true);
    expect(isDryRun({ input: { dryRun: true } })).toBe(true);
    expect(isDryRun({ isDryRun: false, input: { dryRun: false } })).toBe(false);
    expect(isDryRun({ input: {} })).toBe(false);
    // only a real boolean counts: a template that renders something else plans nothing by accident
    expect(isDryRun({ input: { dryRun: 'true' } })).toBe(false);
  });

  it('describes the input', () => {
    expect(dryRunField(z).description).toMatch(/^Plan only/);
    expect(dryRunField(z).safeParse('yes').success).toBe(false);
  });
});

describe('withDryRunExample', () => {
  it("adds the first example run with the form's Dry-run checkbox", () => {
    const first = { description: 'Scale the gateway', example: yaml.stringify({ steps: [{ id: 's', action: 'plant:x', input: { a: 1 } }] }) };
    const out = withDryRunExample([first]);
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(first);
    expect(out[1].description).toMatch(/^Scale the gateway, as a plan only/);
    expect(yaml.parse(out[1].example)).toEqual({ steps: [{ id: 's', action: 'plant:x', input: { a: 1, dryRun: '${{ parameters.dryRun }}' } }] });
  });
});
