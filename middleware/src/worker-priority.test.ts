import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { loadConfig, type Config } from './config';
import type { Logger } from './logger';
import { lowerWorkerPriority, type PriorityCalls } from './worker-priority';

/** A valid environment (stand-in values) and the role under test. */
function config(env: Record<string, string | undefined>): Config {
  return loadConfig({
    LEDGERLINE_API_KEYS: 'k'.repeat(40),
    LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40),
    LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...env,
  });
}

/** The OS calls, recorded; the process starts at `nice`. */
function recorder(nice = 0, fail?: NodeJS.ErrnoException) {
  const set: Array<[number, number]> = [];
  const calls: PriorityCalls = {
    getPriority: () => nice,
    setPriority: (pid, priority) => {
      if (fail) throw fail;
      set.push([pid, priority]);
    },
  };
  return { set, calls };
}

function logs() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { lines, logger: { info: at('info'), warn: at('warn') } as unknown as Logger };
}

describe('WORKER_NICE', () => {
  it('defaults to 10 and is validated as a nice value 0..19', () => {
    expect(config({}).WORKER_NICE).toBe(10);
    expect(config({ WORKER_NICE: '0' }).WORKER_NICE).toBe(0);
    expect(config({ WORKER_NICE: '19' }).WORKER_NICE).toBe(19);
    expect(() => config({ WORKER_NICE: '-5' })).toThrow(/WORKER_NICE/);
    expect(() => config({ WORKER_NICE: '20' })).toThrow(/WORKER_NICE/);
    expect(() => config({ WORKER_NICE: 'low' })).toThrow(/WORKER_NICE/);
  });

  it('lowers a worker-role process to the configured nice value', () => {
    for (const [env, expected] of [[{}, 10], [{ WORKER_NICE: '5' }, 5], [{ WORKER_NICE: '19' }, 19]] as const) {
      const { set, calls } = recorder();
      const { lines, logger } = logs();
      lowerWorkerPriority(config({ LEDGERLINE_ROLE: 'worker', ...env }), logger, calls);
      expect(set).toEqual([[0, expected]]);
      expect(lines).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining({ nice: expected }) })]);
    }
  });

  it('never changes the priority of a web or all-role process, whatever WORKER_NICE says', () => {
    for (const role of ['web', 'all']) {
      for (const env of [{}, { WORKER_NICE: '15' }]) {
        const { set, calls } = recorder();
        const { lines, logger } = logs();
        lowerWorkerPriority(config({ LEDGERLINE_ROLE: role, ...env }), logger, calls);
        expect(set).toEqual([]);
        expect(lines).toEqual([]);
      }
    }
    // The default role is all.
    const { set, calls } = recorder();
    lowerWorkerPriority(config({}), logs().logger, calls);
    expect(set).toEqual([]);
  });

  it('leaves a worker alone with WORKER_NICE=0, or when it was started at that nice value or lower priority already', () => {
    for (const [env, startedAt] of [[{ WORKER_NICE: '0' }, 0], [{}, 10], [{}, 15]] as const) {
      const { set, calls } = recorder(startedAt);
      lowerWorkerPriority(config({ LEDGERLINE_ROLE: 'worker', ...env }), logs().logger, calls);
      expect(set).toEqual([]);
    }
  });

  it('starts anyway when the system refuses, and says so once', () => {
    // The shape of Node's error (seen as an unprivileged user raising its priority back).
    const refused = Object.assign(new Error('A system error occurred: uv_os_setpriority returned EACCES (permission denied)'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EACCES', syscall: 'uv_os_setpriority' } });
    const { calls } = recorder(0, refused);
    const { lines, logger } = logs();
    expect(() => lowerWorkerPriority(config({ LEDGERLINE_ROLE: 'worker' }), logger, calls)).not.toThrow();
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ nice: 10, code: 'EACCES' }) })]);
    expect(lines[0]!.message).toMatch(/WORKER_NICE/);
  });

  it('changes the real priority of the process it runs in (a child process here)', () => {
    // A child of its own: this test's process keeps its priority. It runs the module with the OS's calls.
    const script = [
      "const os = require('node:os');",
      "const { lowerWorkerPriority } = require('./worker-priority');",
      "const { loadConfig } = require('./config');",
      "const quiet = { info() {}, warn(f, m) { console.error(m); } };",
      "lowerWorkerPriority(loadConfig({ ...process.env, LEDGERLINE_ROLE: process.argv[1] }), quiet);",
      // Every thread's nice value (field 19 of /proc/self/task/<tid>/stat), not the main thread's alone.
      "const fs = require('node:fs');",
      "const nices = fs.existsSync('/proc/self/task') ? fs.readdirSync('/proc/self/task').map((t) => Number(fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ').pop().split(' ')[16])) : [os.getPriority(0)];",
      'process.stdout.write(JSON.stringify([...new Set(nices)]));',
    ].join('\n');
    const env = { ...process.env, LEDGERLINE_API_KEYS: 'k'.repeat(40), LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40), LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), WORKER_NICE: '7' };
    const run = (role: string) => {
      const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, role], { cwd: __dirname, env, encoding: 'utf8', timeout: 60_000 });
      expect(out.stderr).toBe('');
      return JSON.parse(out.stdout) as number[];
    };
    // A child starts at this process's nice value (0 unless the tests themselves were started under nice).
    const inherited = os.getPriority(0);
    expect(run('worker')).toEqual([Math.max(7, inherited)]);
    expect(run('web')).toEqual([inherited]);
    expect(run('all')).toEqual([inherited]);
  }, 120_000);
});
