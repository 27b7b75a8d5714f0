import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  checkFileSizes,
  checkFrontDoorsExist,
  checkImports,
  checkModelAccess,
  checkOwnershipTable,
  findImportCycles,
  formatViolation,
  type Rule,
  type SourceTree,
  type Violation,
} from './checker.ts';
import { MODEL_OWNERS } from './ownership.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** Every .ts file under `<root>/src` (the generated client aside), keyed by its path from `root`. */
function readTree(root: string): SourceTree {
  const tree: SourceTree = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (rel !== 'src/generated') walk(full);
      } else if (entry.name.endsWith('.ts')) {
        tree[rel] = readFileSync(full, 'utf8');
      }
    }
  };
  if (existsSync(path.join(root, 'src'))) walk(path.join(root, 'src'));
  return tree;
}

function readSchema(root: string): string | undefined {
  const file = path.join(root, 'prisma/schema.prisma');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function fixture(name: string) {
  const root = path.join(FIXTURES, name);
  return { tree: readTree(root), schema: readSchema(root) };
}

/** Shortens violations to what a fixture asserts: rule, file, line and the words that matter. */
const brief = (violations: Violation[]) => violations.map((v) => ({ rule: v.rule, file: v.file, line: v.line }));
const ofRule = (violations: Violation[], rule: Rule) => violations.filter((v) => v.rule === rule);

describe('the architecture checker fails on planted violations', () => {
  it('flags a module importing another module’s service.ts, and only that import', () => {
    const violations = checkImports(fixture('front-door').tree);
    expect(brief(violations)).toEqual([
      { rule: 'front-door', file: 'src/app.ts', line: 2 },
      { rule: 'front-door', file: 'src/modules/votes/commands.ts', line: 3 },
    ]);
    expect(violations[1]!.message).toContain('src/modules/issues/service.ts');
    expect(violations[1]!.message).toContain('only src/modules/issues/index.ts');
  });

  it('flags a module folder without its index.ts', () => {
    expect(checkFrontDoorsExist(fixture('missing-front-door').tree)).toEqual([
      { rule: 'missing-front-door', file: 'src/modules/notices/', message: 'module notices has no index.ts (its front door)' },
    ]);
  });

  it('flags a plugin, and the scheduler, importing a module even through its front door', () => {
    expect(brief(checkImports(fixture('plugin-imports-module').tree))).toEqual([
      { rule: 'plugin-imports-module', file: 'src/plugins/views.ts', line: 2 },
      { rule: 'plugin-imports-module', file: 'src/scheduler.ts', line: 2 },
    ]);
  });

  it('flags the domain importing the generated client, a plugin or Fastify, type imports included', () => {
    const violations = checkImports(fixture('domain-imports').tree);
    expect(brief(violations)).toEqual([
      { rule: 'domain-imports', file: 'src/domain/deadlines.ts', line: 2 },
      { rule: 'domain-imports', file: 'src/domain/vote-tally.ts', line: 2 },
      { rule: 'domain-imports', file: 'src/domain/vote-tally.ts', line: 3 },
    ]);
    expect(violations[1]!.message).toContain('src/generated/prisma/client.ts');
    expect(violations[2]!.message).toContain('fastify');
  });

  it('reports each import cycle with the files (and modules) that form it, type-only imports included', () => {
    const violations = findImportCycles(fixture('import-cycle').tree);
    expect(violations.map((v) => v.message)).toEqual([
      'import cycle: src/lib/a.ts → src/lib/b.ts → src/lib/c.ts → src/lib/a.ts',
      'import cycle: src/modules/issues/jobs.ts → src/scheduler.ts → src/modules/issues/jobs.ts',
      'import cycle: src/modules/meetings/index.ts → src/modules/meetings/minutes.ts → src/modules/notices/index.ts → src/modules/notices/routes.ts → src/modules/meetings/index.ts; module imports inside it: meetings → notices, notices → meetings',
    ]);
  });

  it('flags a module querying or writing another module’s tables, and any model access outside modules', () => {
    const violations = checkModelAccess(fixture('model-access').tree, MODEL_OWNERS);
    expect(violations.map(formatViolation)).toEqual([
      '[model-access] src/modules/votes/commands.ts:4: the votes module calls fundLedgerEntry.create(); fundLedgerEntry belongs to the ledger module (ask its front door)',
      '[model-access] src/modules/votes/commands.ts:5: the votes module calls issue.findUnique(); issue belongs to the issues module (ask its front door)',
      "[model-access] src/modules/votes/reads.ts:4: the votes module runs selectFrom('Issue'); issue belongs to the issues module (ask its front door)",
      "[model-access] src/modules/votes/reads.ts:6: the votes module runs updateTable('Notification'); notification belongs to the notifications module (ask its front door)",
      '[model-access] src/plugins/session.ts:3: src/plugins/session.ts calls session.deleteMany(); session belongs to the auth module (ask its front door)',
      '[raw-sql] src/plugins/views.ts:3: src/plugins/views.ts runs raw SQL on "Notification"; notification belongs to the notifications module (ask its front door)',
    ]);
  });

  it('flags a schema model that has no owner, and an owner entry for no model', () => {
    const { schema } = fixture('ownership-table');
    const violations = checkOwnershipTable(schema!, { issue: 'issues', ghost: 'issues' });
    expect(violations.map((v) => v.message)).toEqual([
      'model poll has no owner in tests/architecture/ownership.ts: give the new table a module',
      'ghost is not a model in prisma/schema.prisma',
    ]);
  });

  it('flags a source file over 400 lines, message catalogues aside', () => {
    const long = 'export const x = 1;\n'.repeat(401);
    expect(brief(checkFileSizes({ 'src/modules/issues/service.ts': long, 'src/i18n/messages/votes.ts': long }))).toEqual([
      { rule: 'file-size', file: 'src/modules/issues/service.ts', line: undefined },
    ]);
    expect(checkFileSizes({ 'src/modules/issues/service.ts': 'export const x = 1;\n'.repeat(400) })).toEqual([]);
  });

  it('passes a tree that keeps every rule (front doors, own tables, relation includes, the seed, pragmas)', () => {
    const { tree, schema } = fixture('clean');
    const owners = { issue: 'issues', issueEvent: 'issues', estate: 'places', ballot: 'votes' };
    expect(checkArchitecture({ tree, owners, schema }).map(formatViolation)).toEqual([]);
  });
});

describe('the real tree keeps the rules of the house', () => {
  const tree = readTree(ROOT);
  const schema = readSchema(ROOT)!;
  const lines = (violations: Violation[]) => violations.map(formatViolation);

  it('reads the source tree', () => {
    expect(Object.keys(tree)).toContain('src/app.ts');
    expect(Object.keys(tree).some((f) => f.startsWith('src/generated/'))).toBe(false);
  });

  it('every module has a front door, and nothing outside a module imports past it', () => {
    expect(lines([...checkFrontDoorsExist(tree), ...ofRule(checkImports(tree), 'front-door')])).toEqual([]);
  });

  it('plugins and the scheduler import no module', () => {
    expect(lines(ofRule(checkImports(tree), 'plugin-imports-module'))).toEqual([]);
  });

  it('the domain imports nothing from plugins, modules, the generated client, Fastify or Prisma', () => {
    expect(lines(ofRule(checkImports(tree), 'domain-imports'))).toEqual([]);
  });

  it('no import cycle among the source files', () => {
    expect(lines(findImportCycles(tree))).toEqual([]);
  });

  it('only the owning module queries or writes a table', () => {
    expect(lines(checkModelAccess(tree, MODEL_OWNERS))).toEqual([]);
  });

  it('every model in the schema has an owner, and every owner entry is real', () => {
    expect(lines(checkOwnershipTable(schema, MODEL_OWNERS))).toEqual([]);
  });

  it('no source file is over 400 lines (message catalogues aside)', () => {
    expect(lines(checkFileSizes(tree))).toEqual([]);
  });
});
