import { Redactor, secretForms } from './redact';

describe('Redactor', () => {
  const secret = 'c3VwZXItc2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTA=';

  it('knows the plain and base64 forms of a secret', () => {
    expect(secretForms(secret)).toEqual([
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ]);
  });

  it('masks every form in text, JSON, errors and log lines', () => {
    const r = new Redactor();
    r.add(secret);
    const b64 = Buffer.from(secret).toString('base64');
    expect(r.text(`a ${secret} b ${b64}`)).toBe('a [redacted] b [redacted]');
    expect(r.json({ data: { jwt: b64 } })).toEqual({ data: { jwt: '[redacted]' } });
    const err = r.error(new TypeError(`patch failed: {"data":{"secret":"${b64}"}}`));
    expect(err.message).toBe('patch failed: {"data":{"secret":"[redacted]"}}');
    expect(err.name).toBe('TypeError');
    expect(err.stack).not.toContain(b64);

    const lines: string[] = [];
    const sink = {
      info: (m: string, meta?: unknown) => lines.push(m + JSON.stringify(meta ?? {})),
      warn: (m: string, meta?: unknown) => lines.push(m + JSON.stringify(meta ?? {})),
      error: (m: string, meta?: unknown) => lines.push(m + JSON.stringify(meta ?? {})),
      debug: (m: string, meta?: unknown) => lines.push(m + JSON.stringify(meta ?? {})),
      child: () => sink,
    };
    const log = r.logger(sink as any);
    log.info(`value ${secret}`, { b64 });
    log.child({ x: secret }).warn('child');
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(b64);
    expect(lines[0]).toBe('value [redacted]{"b64":"[redacted]"}');
  });

  it('leaves an error untouched when it holds no secret', () => {
    const r = new Redactor();
    r.add(secret);
    const e = new Error('plain');
    expect(r.error(e)).toBe(e);
  });
});
