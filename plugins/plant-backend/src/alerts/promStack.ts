/*
 * Test helper: a real Prometheus and Alertmanager (Debian's binaries) on free
 * loopback ports, with the guide's rules (scripts/prometheus/rules.yml)
 * loaded. Only the rules' `for:` durations are shortened, so a test does not
 * wait minutes for an alert; names, expressions, labels and annotations are
 * the guide's.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise(r => srv.close(r));
  return port;
}

async function waitReady(url: string, what: string, proc: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${log().slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready within 30 s: ${log().slice(-2000)}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

function run(bin: string, args: string[]) {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', d => (out += d));
  proc.stderr!.on('data', d => (out += d));
  return { proc, log: () => out };
}

async function stop(p: ChildProcess) {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise(r => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

export interface PromStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  stopPrometheus(): Promise<void>;
  stopAlertmanager(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Alertmanager, then Prometheus scraping `targets` (job name -> host:port) and firing into it. */
export async function startPromStack(targets: Record<string, string>, rulesFile = path.resolve(__dirname, '../../../../scripts/prometheus/rules.yml')): Promise<PromStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plant-promstack-'));
  const amPort = await freePort();
  const promPort = await freePort();
  writeFileSync(
    path.join(dir, 'alertmanager.yml'),
    `route: { receiver: blackhole, group_wait: 1s, group_interval: 1s, repeat_interval: 1h }\nreceivers: [{ name: blackhole }]\n`,
  );
  const rules = readFileSync(rulesFile, 'utf8').replace(/^(\s+for:\s*)\S+/gm, '$11s');
  writeFileSync(path.join(dir, 'rules.yml'), rules);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      `alerting: { alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:${amPort}"] } ] } ] }`,
      `rule_files: ["${path.join(dir, 'rules.yml')}"]`,
      'scrape_configs:',
      ...Object.entries(targets).map(([job, t]) => `  - { job_name: "${job}", static_configs: [ { targets: ["${t}"] } ] }`),
    ].join('\n'),
  );
  const am = run('/usr/bin/prometheus-alertmanager', [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  const prom = run('/usr/bin/prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
  const prometheusUrl = `http://127.0.0.1:${promPort}`;
  try {
    await waitReady(`${alertmanagerUrl}/-/ready`, 'alertmanager', am.proc, am.log);
    await waitReady(`${prometheusUrl}/-/ready`, 'prometheus', prom.proc, prom.log);
  } catch (e) {
    await Promise.all([stop(am.proc), stop(prom.proc)]);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    prometheusUrl,
    alertmanagerUrl,
    stopPrometheus: () => stop(prom.proc),
    stopAlertmanager: () => stop(am.proc),
    async stop() {
      await Promise.all([stop(am.proc), stop(prom.proc)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
