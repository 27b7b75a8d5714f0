/**
 * A tiny dataset in the generator's format (tests/bench/.data/city-dev.db + city-dev.json), made in
 * seconds through the app itself, to try the runner end to end without a big dataset:
 *
 *   npx tsx tests/bench/runner/dev-dataset.ts && npm run bench -- --size dev --seconds 3
 *
 * The timings it gives mean nothing; `npm run bench:data` makes the datasets worth measuring.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { hashPassword } from '../../../src/lib/password.ts';
import { loginAs } from '../../helpers/client.ts';
import { makeWorld } from '../../helpers/world.ts';
import { ROOT } from './processes.ts';
import type { Manifest } from './types.ts';

const PASSWORD = 'bench-password-1';
const VOTERS = 400;
const ISSUES = 120;
const LONG_ISSUE_COMMENTS = 60;

/** YYYY-MM-DDTHH:mm in Shanghai (the vote form's datetime-local value). */
const shanghaiLocal = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);

async function main() {
  const started = Date.now();
  const dataDir = path.join(ROOT, 'tests/bench/.data');
  mkdirSync(dataDir, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'sanfang-bench-dev-'));
  // Made by `prisma migrate deploy`, as production makes its database.
  const databaseFile = path.join(tmp, 'city-dev.db');
  const migrated = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${databaseFile}` },
    encoding: 'utf8',
  });
  if (migrated.status !== 0) throw new Error(`prisma migrate deploy failed:\n${migrated.stdout}\n${migrated.stderr}`);
  const config = { ...loadConfig({}), databaseFile, uploadDir: path.join(tmp, 'uploads'), logLevel: 'silent', scheduler: false };
  const app = await buildApp(config, { logger: false });
  const db = app.db;
  const w = await makeWorld(db);
  const passwordHash = await hashPassword(PASSWORD);
  const user = (data: Record<string, unknown>) =>
    db.user.create({ data: { passwordHash, displayName: String(data.username), ...data } as never });

  const estateId = w.estateA.id;
  const resident = { role: 'resident', estateId, communityId: w.community.id };
  await user({ username: 'bench_resident', ...resident, unitId: w.unitA2.id });
  await user({ username: 'bench_property', role: 'property', orgName: '压测物业', estates: { create: [{ estateId }] } });
  await user({ username: 'bench_committee', role: 'committee', estates: { create: [{ estateId }] } });
  await user({ username: 'bench_community', role: 'community', communityId: w.community.id });
  await user({ username: 'bench_admin', role: 'admin' });

  // The voters: one unit and one owner of record each, linked to their account, in a building of their own.
  const building = await db.building.create({ data: { estateId, name: '压测楼', floors: 40 } });
  const voters: string[] = [];
  for (let i = 1; i <= VOTERS; i++) {
    const username = `bench_voter_${i}`;
    const unit = await db.unit.create({
      data: { buildingId: building.id, room: String(100 + i), floor: 1 + Math.floor(i / 10), areaCentiM2: 8000 + (i % 40) * 100 },
    });
    const account = await user({ username, ...resident, unitId: unit.id });
    const owner = await db.owner.create({ data: { estateId, ownerKey: `V${i}`, name: `业主${i}`, userId: account.id } });
    await db.ownerUnit.create({ data: { ownerId: owner.id, unitId: unit.id } });
    voters.push(username);
  }

  // Issues filed through the app's own form, so every column the filing sets is set.
  const category = w.cat('roof_leak');
  const filer = await loginAs(app, 'bench_resident', PASSWORD);
  const file = async (n: number, locationType: string) => {
    await filer.get('/issues/new');
    const res = await filer.post('/issues', {
      categoryId: String(category.id),
      locationType,
      locationNote: '',
      title: `${n % 3 === 0 ? '楼道漏水' : '路灯不亮'} ${n}`,
      description: '压测数据。',
      submissionKey: `dev-dataset-${String(n).padStart(6, '0')}`,
    });
    if (res.statusCode !== 303) throw new Error(`filing answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
    return Number(/\/issues\/(\d+)/.exec(String(res.headers.location))?.[1]);
  };
  const ids: number[] = [];
  for (let n = 1; n <= ISSUES; n++) ids.push(await file(n, n % 4 === 0 ? 'unit' : 'estate'));
  const longIssueId = ids[0] as number;
  const publicIssueId = ids[1] as number;
  const property = await loginAs(app, 'bench_property', PASSWORD);
  await property.get(`/issues/${longIssueId}`);
  for (let c = 1; c <= LONG_ISSUE_COMMENTS; c++) {
    const res = await property.post(`/issues/${longIssueId}/comments`, { body: `处理进度 ${c}：已安排师傅。` });
    if (res.statusCode !== 303) throw new Error(`comment answered ${res.statusCode}`);
  }

  // The open vote, drafted and opened by the committee through its forms (the electorate is snapshotted then).
  const committee = await loginAs(app, 'bench_committee', PASSWORD);
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(estateId),
    issueId: '',
    matter: 'use_fund',
    title: '压测楼外墙维修使用维修资金',
    description: '',
    scope: 'estate',
    amount: '120,000.00',
    opensAt: '',
    closesAt: shanghaiLocal(new Date(Date.now() + 20 * 86_400_000)),
    quotesText: '',
  });
  if (drafted.statusCode !== 303)
    throw new Error(`drafting the vote answered ${drafted.statusCode}: ${drafted.body.slice(0, 800)}`);
  const proposalId = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  await committee.get(`/votes/${proposalId}`);
  const opened = await committee.post(`/votes/${proposalId}/open`);
  if (opened.statusCode !== 303) throw new Error(`opening the vote answered ${opened.statusCode}`);
  await app.close();

  const target = path.join(dataDir, 'city-dev.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true });
  for (const suffix of ['', '-wal']) if (existsSync(databaseFile + suffix)) copyFileSync(databaseFile + suffix, target + suffix);
  rmSync(tmp, { recursive: true, force: true });
  const manifest: Manifest = {
    size: 'dev',
    issues: ISSUES,
    db: target,
    password: PASSWORD,
    accounts: {
      resident: 'bench_resident',
      property: 'bench_property',
      committee: 'bench_committee',
      community: 'bench_community',
      admin: 'bench_admin',
      voters,
    },
    ids: {
      communityId: w.community.id,
      estateId,
      longIssueId,
      publicIssueId,
      proposalId,
      categoryId: category.id,
      buildingId: w.buildingA.id,
    },
    generatedIn: Math.round((Date.now() - started) / 100) / 10,
  };
  writeFileSync(path.join(dataDir, 'city-dev.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(
    `tests/bench/.data/city-dev.db: ${ISSUES} issues, ${VOTERS} voters, vote ${proposalId} (${manifest.generatedIn} s)`,
  );
}

await main();
