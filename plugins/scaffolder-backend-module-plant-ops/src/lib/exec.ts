import { spawn } from 'node:child_process';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without a shell, aborting it with `signal`. Fails with its
 * exit code and the end of its stderr, passed through `scrub` (a Redactor's
 * text) so no secret leaves. Secrets go
 * to the program through `env`, never through `args`.
 */
export function exec(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; scrub?: (text: string) => string; cwd?: string } = {},
): Promise<ExecResult> {
  const scrub = opts.scrub ?? ((t: string) => t);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, signal: opts.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', e => reject(new Error(scrub(`${command} failed to run: ${e.message}`))));
    child.on('close', (code, sig) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = scrub(Buffer.concat(err).toString('utf8'));
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} exited with ${code ?? sig}: ${stderr.trim().slice(-2000)}`));
    });
  });
}
