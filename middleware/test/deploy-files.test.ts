import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALL_GROUPS, loadSettingsFor } from '../src/config-groups';

/**
 * app.json (Heroku) follows middleware/.env.example: every variable of the example is a config var there,
 * required exactly when the middleware refuses to start without it. PORT and DATABASE_URL come from Heroku
 * (the dyno and Heroku Postgres) and LEDGERLINE_ROLE from the Procfile; PGSSLMODE is Heroku Postgres's own.
 */
const ROOT = path.join(__dirname, '..', '..');
const FROM_THE_PLATFORM = ['PORT', 'DATABASE_URL', 'LEDGERLINE_ROLE'];
const HEROKU_ONLY = ['PGSSLMODE'];

interface AppJson {
  env: Record<string, { description?: string; value?: string; required?: boolean; generator?: string }>;
  formation: Record<string, unknown>;
  addons: Array<{ plan: string }>;
}

const appJson = JSON.parse(readFileSync(path.join(ROOT, 'app.json'), 'utf8')) as AppJson;
const example = [...readFileSync(path.join(ROOT, 'middleware', '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => m[1]!);

/** A complete, valid production environment (stand-in values), with each of Salesforce's two login flows. */
const base: Record<string, string> = {
  LEDGERLINE_API_KEYS: 'k'.repeat(40),
  LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40),
  LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  QBO_CLIENT_ID: 'client',
  QBO_CLIENT_SECRET: 'secret',
  QBO_REDIRECT_URI: 'https://ledgerline.example/oauth/quickbooks/callback',
  SALESFORCE_CLIENT_ID: 'connected-app',
};
const completeEnvs: Array<Record<string, string>> = [
  { ...base, SALESFORCE_CLIENT_SECRET: 'connected-app-secret' },
  { ...base, SALESFORCE_USERNAME: 'integration@ledgerline.example', SALESFORCE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nstand-in\n-----END PRIVATE KEY-----' },
];

const starts = (env: Record<string, string>): boolean => {
  try {
    loadSettingsFor(env, ALL_GROUPS, 'The middleware');
    return true;
  } catch {
    return false;
  }
};

/** The example's variables without which start-up fails whichever login flow is used (each left out in turn). */
function requiredVariables(): string[] {
  for (const env of completeEnvs) expect(starts(env)).toBe(true);
  return example.filter((name) =>
    completeEnvs.every((complete) => {
      const env = { ...complete };
      delete env[name];
      return !starts(env);
    }),
  );
}

describe('app.json and .env.example', () => {
  it('lists every variable of .env.example, and only those and Heroku’s own', () => {
    const listed = Object.keys(appJson.env).sort();
    const expected = [...example.filter((name) => !FROM_THE_PLATFORM.includes(name)), ...HEROKU_ONLY].sort();
    expect(listed).toEqual(expected);
  });

  it('marks exactly the variables start-up needs as required, with no default value', () => {
    const required = requiredVariables();
    expect(required).toEqual(expect.arrayContaining(['LEDGERLINE_API_KEYS', 'LEDGERLINE_ADMIN_KEYS', 'LEDGERLINE_ENCRYPTION_KEY', 'QBO_CLIENT_ID']));
    const markedRequired = Object.entries(appJson.env).filter(([, spec]) => spec.required !== false).map(([name]) => name);
    expect(markedRequired.sort()).toEqual([...required].sort());
    for (const name of required) expect(appJson.env[name]!.value).toBeUndefined();
    // An empty value is refused at start-up: optional variables are left unset, never set to ''.
    for (const [name, spec] of Object.entries(appJson.env)) if (spec.value !== undefined) expect([name, spec.value]).not.toEqual([name, '']);
  });

  it('runs web and worker dynos on Heroku Postgres', () => {
    expect(Object.keys(appJson.formation).sort()).toEqual(['web', 'worker']);
    expect(appJson.addons.map((a) => a.plan)).toEqual([expect.stringMatching(/^heroku-postgresql:/)]);
    const procfile = readFileSync(path.join(ROOT, 'Procfile'), 'utf8');
    expect(procfile).toMatch(/^web: MALLOC_ARENA_MAX=2 LEDGERLINE_ROLE=web node --max-semi-space-size=2 --heap-growing-percent=20 middleware\/dist\/main\.js$/m);
    expect(procfile).toMatch(/^worker: MALLOC_ARENA_MAX=2 LEDGERLINE_ROLE=worker node --max-semi-space-size=2 --heap-growing-percent=20 middleware\/dist\/main\.js$/m);
  });
});

/**
 * compose.yaml, read by a real Compose implementation where one is installed (docker-compose, `docker compose`
 * or podman-compose): `config` validates the file, resolves the variables and prints the result.
 */
function composeCommand(): string[] | undefined {
  for (const candidate of [['docker-compose'], ['docker', 'compose'], ['podman-compose']]) {
    const probe = spawnSync(candidate[0]!, [...candidate.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}
const compose = composeCommand();
const describeCompose = compose ? describe : describe.skip;
if (!compose) console.log('compose.yaml: no docker-compose, docker compose or podman-compose here; its validation is skipped');

describeCompose(`compose.yaml, validated by ${compose?.join(' ') ?? 'a Compose tool (none installed: skipped)'}`, () => {
  /** Stand-in values for the variables compose.yaml requires (none is a real secret). */
  const required: Record<string, string> = {
    POSTGRES_PASSWORD: 'stand-in-password',
    LEDGERLINE_API_KEYS: 'k'.repeat(40),
    LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40),
    LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    QBO_CLIENT_ID: 'client',
    QBO_CLIENT_SECRET: 'secret',
    QBO_REDIRECT_URI: 'https://ledgerline.example/oauth/quickbooks/callback',
    SALESFORCE_CLIENT_ID: 'connected-app',
  };
  const emptyEnvFile = path.join(mkdtempSync(path.join(tmpdir(), 'ledgerline-compose-')), 'empty.env');
  writeFileSync(emptyEnvFile, '');
  // Only PATH and the given variables: no .env file or variable of this machine takes part.
  const config = (env: Record<string, string>) =>
    spawnSync(compose![0]!, [...compose!.slice(1), '--env-file', emptyEnvFile, '-f', path.join(ROOT, 'compose.yaml'), 'config'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  /** The lines of one service in the normalised output (two-space indented under `services:`). */
  const service = (text: string, name: string): string => {
    const lines = text.split('\n');
    const start = lines.indexOf(`  ${name}:`);
    expect(start).toBeGreaterThan(-1);
    const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
    return lines.slice(start, end === -1 ? undefined : end).join('\n');
  };

  it('is valid, and runs a web and a worker process of the image on PostgreSQL, after its health check', () => {
    const run = config(required);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    for (const [name, role] of [['web', 'web'], ['worker', 'worker']] as const) {
      const text = service(run.stdout, name);
      expect(text).toMatch(new RegExp(`^ {6}LEDGERLINE_ROLE: ${role}$`, 'm'));
      expect(text).toMatch(/^ {6}DATABASE_URL: postgres:\/\/ledgerline:stand-in-password@postgres:5432\/ledgerline$/m);
      expect(text).toMatch(/^ {6}dockerfile: Dockerfile$/m);
      expect(text).toMatch(/postgres:\n {8}condition: service_healthy/);
      // Every variable passed to the middleware is one of .env.example's (or the role and database, set here).
      const names = [...text.matchAll(/^ {6}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
      expect(names.filter((n) => !example.includes(n) && n !== 'LEDGERLINE_ROLE')).toEqual([]);
      // And every variable the middleware cannot start without.
      expect(names).toEqual(expect.arrayContaining(Object.keys(required).filter((n) => n !== 'POSTGRES_PASSWORD')));
    }
    expect(service(run.stdout, 'postgres')).toMatch(/pg_isready/);
  });

  it('refuses to start while a required variable is unset, and names it', () => {
    for (const missing of ['POSTGRES_PASSWORD', 'LEDGERLINE_ENCRYPTION_KEY']) {
      const env = { ...required };
      delete env[missing];
      const run = config(env);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(missing);
    }
  });
});
