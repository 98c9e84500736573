// `npm start` as a new user meets it: the real entry point in a child process.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openMigratedPglite } from './support/database.js';
import { deleteKeysUnder } from './support/redis.js';

// These start their own processes on PGlite whatever DATABASE_URL says, so CI runs them once: in the PGlite
// pass (no DATABASE_URL), not again in the PostgreSQL pass.
const ON_PGLITE_PASS = !process.env.DATABASE_URL;

const ROOT = path.resolve(import.meta.dirname, '..');
const dataDirs: string[] = [];

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 150 s:\n${output}`)), 150_000);
    child.stdout.on('data', () => {
      const match = output.match(/listening on (http:\/\/localhost:\d+)\/api/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening:\n${output}`));
    });
  });
  listening.catch(() => undefined); // awaited only by the tests that expect a start
  return { child, exited, listening, output: () => output };
}

afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Each case starts PGlite in a child process: tens of seconds on a busy two-core machine.
describe.runIf(ON_PGLITE_PASS)('npm start', { timeout: 180_000 }, () => {
  it('creates the embedded database, seeds three demo clinics, serves the API at APP_NOW, and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-start-'));
    dataDirs.push(dataDir);
    const spawnedAt = Date.now();
    const app = start({ PORT: '0', PGLITE_DATA_DIR: dataDir, APP_NOW: '2027-03-30T08:00:00+02:00', BULLMQ_PREFIX: `startup-${path.basename(dataDir)}` });
    const url = await app.listening;
    const clinics = await (await fetch(`${url}/api/clinics`)).json();
    expect(clinics.clinics.map((c: { id: string }) => c.id).sort()).toEqual(['vc-arboga', 'vc-koping', 'vc-kungsor']);
    // The demo clinics carry a demo region's record: town, municipality and an HSA-id.
    expect(clinics.clinics.find((c: { id: string }) => c.id === 'vc-kungsor')).toMatchObject({ town: 'Kungsör', municipality: 'Kungsör', hsaId: 'SE2321000172-VC001' });
    const booked = await fetch(`${url}/api/clinics/vc-kungsor/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '070-123 45 67' }),
    });
    expect(booked.status).toBe(201);
    const body = await booked.json();
    // APP_NOW's clock runs from the process's start: at most the real time since the spawn has passed on it.
    const sinceAppNow = Date.parse(body.requestedAt) - Date.parse('2027-03-30T08:00:00+02:00');
    expect(sinceAppNow).toBeGreaterThanOrEqual(0);
    expect(sinceAppNow).toBeLessThanOrEqual(Date.now() - spawnedAt);
    expect(body.slot.start).toBe('2027-03-30T08:15:00+02:00');
    // Demo staff tokens are printed once; a nurse token works on the staff API.
    const nurseToken = app.output().match(/nurse\s+vc-kungsor,vc-koping\s+(cbs_\S+)/)?.[1];
    expect(nurseToken).toBeDefined();
    const me = await (await fetch(`${url}/api/staff/me`, { headers: { authorization: `Bearer ${nurseToken}` } })).json();
    expect(me).toMatchObject({ role: 'nurse', clinicIds: ['vc-koping', 'vc-kungsor'] });
    // Without CALLBACK_TOKEN_SECRET the cancel token is signed with a secret generated for this database, not with
    // one anyone can read in the repository.
    const published = createHmac('sha256', 'development-only-callback-token-secret-change-me').update(`callback:${body.id}`).digest('base64url');
    expect(body.token).not.toBe(published);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    // That it is kept with the data (the same after a restart, for every process) is test/db/appSecrets.test.ts.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteKeysUnder(redis, `startup-${path.basename(dataDir)}`);
    redis.disconnect();
  });

  it('in production creates no demo clinics or staff and prints no token', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-prod-'));
    dataDirs.push(dataDir);
    // An empty, migrated database (the case above creates one from nothing): seeding is what this is about.
    await (await openMigratedPglite(dataDir)).close();
    const prefix = `startup-${path.basename(dataDir)}`;
    const app = start({
      NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se',
      CALLBACK_TOKEN_SECRET: '3c9e1f0a7b5d4e2f8a6c1b9d0e7f3a5c2b8d4e6f1a0c9b7d5e3f2a1c8b6d4e0f',
      PORT: '0',
      PGLITE_DATA_DIR: dataDir,
      BULLMQ_PREFIX: prefix,
    });
    const url = await app.listening;
    expect(await (await fetch(`${url}/api/clinics`)).json()).toEqual({ clinics: [] });
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).not.toContain('Demo staff');
    expect(app.output()).not.toMatch(/cbs_/);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('refuses to start in production with a secret from the repository or SEED_DEMO=true', async () => {
    const published = start({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: 'compose-demo-only-secret-replace-before-real-use' });
    expect(await published.exited).toBe(1);
    expect(published.output()).toContain('CALLBACK_TOKEN_SECRET: is a value published in the repository');
    const seeding = start({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: 'f'.repeat(8) + '0123456789abcdef'.repeat(2), SEED_DEMO: 'true' });
    expect(await seeding.exited).toBe(1);
    expect(seeding.output()).toContain('SEED_DEMO: must not be true when NODE_ENV=production');
  });

  it('fails at once, saying how to start Redis, when Redis does not answer', async () => {
    const app = start({ PORT: '0', REDIS_URL: 'redis://127.0.0.1:1', PGLITE_DATA_DIR: path.join(os.tmpdir(), 'never-created') });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('docker compose up -d redis');
  });

  it('stops on a bad setting, naming the variable', async () => {
    const app = start({ PORT: 'eighty' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('PORT:');
  });
});

describe.runIf(ON_PGLITE_PASS)('npm run seed:demo', () => {
  it('refuses to run in production: demo history and a printed region-wide token have no place there', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/seedDemo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: '0123456789abcdef'.repeat(4), PGLITE_DATA_DIR: path.join(os.tmpdir(), 'never-created') },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(output.trim()).toBe('seed:demo refuses to run with NODE_ENV=production.');
  });
});

describe.runIf(ON_PGLITE_PASS)('npm run staff', { timeout: 180_000 }, () => {
  it('creates a staff account and prints its token once; the token then authenticates', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-staff-'));
    dataDirs.push(dataDir);
    const env = { PATH: process.env.PATH!, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/staff.ts', ...args], { cwd: ROOT, env });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('exit', (code) => resolve({ code, output }));
      });
    // The CLI needs a clinic; create the demo ones through the same database first.
    const { openPglite } = await import('../src/db/database.js');
    const { seedDemoClinicsIfEmpty } = await import('../src/demo/seedDemo.js');
    const db = await openMigratedPglite(dataDir);
    await seedDemoClinicsIfEmpty(db);
    await db.close();

    const refused = await run(['create', '--role', 'surgeon', '--clinic', 'vc-kungsor', '--name', 'X']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('--role must be one of nurse, manager, admin');
    const unknown = await run(['create', '--role', 'nurse', '--clinic', 'vc-nowhere', '--name', 'X']);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain("No clinic with id 'vc-nowhere'");

    const created = await run(['create', '--role', 'nurse', '--clinic', 'vc-kungsor', '--name', 'Anna Andersson']);
    expect(created.code).toBe(0);
    const token = created.output.match(/(cbs_\S+)/)?.[1];
    expect(token).toBeDefined();
    const db2 = await openPglite(dataDir);
    const { authenticateStaff } = await import('../src/services/staffAuth.js');
    expect(await authenticateStaff(db2, `Bearer ${token}`)).toMatchObject({ name: 'Anna Andersson', role: 'nurse', clinicIds: ['vc-kungsor'] });
    await db2.close();
  });
});
