/**
 * The rules of the house (issue #8, STYLE.md "Modules meet at their front door"), checked on source text.
 *
 * Every function here takes a tree `{ 'src/…/file.ts': source }` rather than reading the disk, so the
 * same checker runs on the real `src/` and on the planted violations in `fixtures/` (which prove that
 * each rule can fail). Files are parsed with `ts.createSourceFile` only: no program, no type checking,
 * so the whole tree is checked in well under a second.
 */
import path from 'node:path';
import ts from 'typescript';

/** Repo-relative POSIX path → file text. */
export type SourceTree = Record<string, string>;

export type Rule =
  | 'front-door' // another module's file other than its index.ts is imported
  | 'missing-front-door' // a module folder without index.ts
  | 'plugin-imports-module' // src/plugins/* or src/scheduler.ts imports a module
  | 'domain-imports' // src/domain/* imports plugins, modules, the generated client, Fastify or Prisma
  | 'import-cycle'
  | 'model-access' // a Prisma model queried or written outside its owning module
  | 'raw-sql' // a raw query naming another owner's table
  | 'ownership-table' // a schema model without an owner, or an owner entry that names nothing
  | 'file-size'; // a source file over the limit

export interface Violation {
  rule: Rule;
  file: string;
  line?: number;
  message: string;
}

/** The Prisma delegate methods that read or write a model. */
export const PRISMA_METHODS = new Set([
  'findMany',
  'findFirst',
  'findUnique',
  'findFirstOrThrow',
  'findUniqueOrThrow',
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
  'count',
  'aggregate',
  'groupBy',
]);

const RAW_METHODS = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

/** Packages the pure domain rules may not use (STYLE.md: "no Fastify or Prisma"). */
const DOMAIN_FORBIDDEN_PACKAGES = /^(fastify|fastify-plugin|@fastify\/|@prisma\/|prisma$|prisma\/)/;

/** Source files may not pass this many lines (issue #8); message catalogues and the generated client aside. */
export const MAX_LINES = 400;
const SIZE_EXEMPT = [/^src\/i18n\/messages\//, /^src\/generated\//];

// ---------------------------------------------------------------------------------------------------------
// Where a file sits

export type Area = 'module' | 'plugin' | 'domain' | 'seed' | 'generated' | 'other';

export function areaOf(file: string): Area {
  if (file.startsWith('src/modules/')) return 'module';
  if (file.startsWith('src/plugins/')) return 'plugin';
  if (file.startsWith('src/domain/')) return 'domain';
  if (file.startsWith('src/seed/')) return 'seed';
  if (file.startsWith('src/generated/')) return 'generated';
  return 'other';
}

/** `src/modules/<m>/…` → `m`; anything else → undefined. */
export function moduleOf(file: string): string | undefined {
  const match = /^src\/modules\/([^/]+)\//.exec(file);
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------------------
// Imports

export interface ImportRef {
  /** As written: `../issues/service.ts`, `fastify`. */
  specifier: string;
  /** Repo-relative path for a relative specifier (the tree's own key when one matches), else undefined. */
  target?: string;
  line: number;
  typeOnly: boolean;
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function parse(file: string, source: string): ts.SourceFile {
  return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Resolves a relative specifier against the importing file; prefers a path present in the tree. */
export function resolveSpecifier(from: string, specifier: string, tree: SourceTree): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => c in tree) ?? base;
}

/** Every static import, re-export, `import()` and `import('…')` type in a file, type-only ones included. */
export function importsOf(file: string, source: string, tree: SourceTree): ImportRef[] {
  const sf = parse(file, source);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    refs.push({ specifier: literal.text, target: resolveSpecifier(file, literal.text, tree), line: lineOf(sf, node), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** Rules (a), (b), (c): front doors, plugins apart from modules, the domain kept pure. */
export function checkImports(tree: SourceTree): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of sortedEntries(tree)) {
    const area = areaOf(file);
    if (area === 'generated') continue;
    const from = moduleOf(file);
    for (const ref of importsOf(file, source, tree)) {
      const target = ref.target;
      const to = target ? moduleOf(target) : undefined;
      if (target && to && to !== from && target !== `src/modules/${to}/index.ts`) {
        violations.push({
          rule: 'front-door',
          file,
          line: ref.line,
          message: `imports ${target}; outside the ${to} module only src/modules/${to}/index.ts may be imported`,
        });
      }
      if ((area === 'plugin' || file === 'src/scheduler.ts') && target && to) {
        violations.push({
          rule: 'plugin-imports-module',
          file,
          line: ref.line,
          message: `imports ${target}; ${area === 'plugin' ? 'a plugin imports' : 'the scheduler imports'} no module (the app wires modules in)`,
        });
      }
      if (area === 'domain') {
        const targetArea = target ? areaOf(target) : undefined;
        if (targetArea === 'plugin' || targetArea === 'module' || targetArea === 'generated') {
          violations.push({
            rule: 'domain-imports',
            file,
            line: ref.line,
            message: `imports ${target}; src/domain imports nothing from plugins, modules or the generated client`,
          });
        } else if (!target && DOMAIN_FORBIDDEN_PACKAGES.test(ref.specifier)) {
          violations.push({
            rule: 'domain-imports',
            file,
            line: ref.line,
            message: `imports ${ref.specifier}; src/domain holds pure rules, no Fastify or Prisma`,
          });
        }
      }
    }
  }
  return violations;
}

/** Every folder under src/modules has its front door. */
export function checkFrontDoorsExist(tree: SourceTree): Violation[] {
  const modules = new Set(
    Object.keys(tree)
      .map(moduleOf)
      .filter((m): m is string => !!m),
  );
  return [...modules]
    .sort()
    .filter((m) => !(`src/modules/${m}/index.ts` in tree))
    .map((m) => ({
      rule: 'missing-front-door' as const,
      file: `src/modules/${m}/`,
      message: `module ${m} has no index.ts (its front door)`,
    }));
}

// ---------------------------------------------------------------------------------------------------------
// Cycles

/** Rule (d): one violation per strongly connected set of files, naming one concrete cycle through it. */
export function findImportCycles(tree: SourceTree): Violation[] {
  const files = Object.keys(tree)
    .filter((f) => areaOf(f) !== 'generated')
    .sort();
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file, tree[file]!, tree)
      .map((r) => r.target)
      .filter((t): t is string => !!t && t in tree && areaOf(t) !== 'generated');
    edges.set(file, [...new Set(targets)].sort());
  }

  // Tarjan's strongly connected components, iterative so a deep chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of files) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = edges.get(frame.node)!;
      if (frame.next < out.length) {
        const to = out[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && edges.get(member)!.includes(member);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }

  return components
    .sort((a, b) => a[0]!.localeCompare(b[0]!))
    .map((component) => {
      const cycle = shortestCycle(component[0]!, new Set(component), edges);
      const more = component.length > cycle.length - 1 ? ` (${component.length} files are tangled: ${component.join(', ')})` : '';
      // Through front doors, a file cycle is two modules that need each other: name those imports.
      const members = new Set(component);
      const crossings = new Set<string>();
      for (const from of component) {
        for (const to of edges.get(from)!) {
          const a = moduleOf(from);
          const b = moduleOf(to);
          if (members.has(to) && a && b && a !== b) crossings.add(`${a} → ${b}`);
        }
      }
      const modules = crossings.size > 0 ? `; module imports inside it: ${[...crossings].sort().join(', ')}` : '';
      return {
        rule: 'import-cycle' as const,
        file: component[0]!,
        message: `import cycle: ${cycle.join(' → ')}${more}${modules}`,
      };
    });
}

/** Breadth-first from `start` back to itself inside one component: the shortest cycle through it. */
function shortestCycle(start: string, within: Set<string>, edges: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const to of edges.get(node)!) {
      if (!within.has(to)) continue;
      if (to === start) {
        const cycle = [node];
        while (cycle[0] !== start) cycle.unshift(previous.get(cycle[0]!)!);
        return [...cycle, start];
      }
      if (!previous.has(to) && to !== start) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

// ---------------------------------------------------------------------------------------------------------
// Prisma model access

export interface ModelAccess {
  model: string;
  method: string;
  line: number;
}

/** Every `<anything>.<model>.<method>(` call on a known model, e.g. `tx.issue.update(`, `app.db.user.count(`. */
export function modelAccessesOf(file: string, source: string, models: ReadonlySet<string>): ModelAccess[] {
  const sf = parse(file, source);
  const found: ModelAccess[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = skipWrappers(node.expression);
      if (ts.isPropertyAccessExpression(callee) && PRISMA_METHODS.has(callee.name.text)) {
        const holder = skipWrappers(callee.expression);
        if (ts.isPropertyAccessExpression(holder) && models.has(holder.name.text)) {
          found.push({ model: holder.name.text, method: callee.name.text, line: lineOf(sf, node) });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The Kysely methods that start a statement on a table; only the first two may read another's table. */
const KYSELY_READS = new Set(['selectFrom']);
const KYSELY_WRITES = new Set(['insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);

export interface TableAccess {
  table: string;
  method: string;
  line: number;
  /** A `selectFrom` on a callback's parameter (`eb.selectFrom(…)` inside `jsonArrayFrom`, a subquery):
   * part of a statement whose root table is the caller's, like a Prisma relation's display fields. */
  nested: boolean;
}

/**
 * Every Kysely statement on a table: `sql.selectFrom('Issue as i')`, `db.insertInto('Issue')`. The
 * table is the string's first word. A `selectFrom` called on a parameter of an enclosing arrow function
 * is a nested read; a root read or any write is an access like a Prisma delegate call.
 */
export function tableAccessesOf(file: string, source: string): TableAccess[] {
  const sf = parse(file, source);
  const found: TableAccess[] = [];
  const params: Set<string>[] = [];
  const visit = (node: ts.Node) => {
    const isFn = ts.isArrowFunction(node) || ts.isFunctionExpression(node);
    if (isFn) params.push(new Set(node.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''))));
    if (ts.isCallExpression(node)) {
      const callee = skipWrappers(node.expression);
      const arg = node.arguments[0];
      if (
        ts.isPropertyAccessExpression(callee) &&
        (KYSELY_READS.has(callee.name.text) || KYSELY_WRITES.has(callee.name.text)) &&
        arg &&
        ts.isStringLiteralLike(arg)
      ) {
        const receiver = skipWrappers(callee.expression);
        const onParam = ts.isIdentifier(receiver) && params.some((set) => set.has(receiver.text));
        found.push({
          table: arg.text.trim().split(/\s+/)[0]!,
          method: callee.name.text,
          line: lineOf(sf, node),
          nested: onParam && KYSELY_READS.has(callee.name.text),
        });
      }
    }
    ts.forEachChild(node, visit);
    if (isFn) params.pop();
  };
  visit(sf);
  return found;
}

/** `(x)`, `x!` and `x as T` do not change what is called. */
function skipWrappers(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) node = node.expression;
  return node;
}

/** The SQL text of every `$queryRaw`…`$executeRawUnsafe` call (template or string arguments). */
export function rawSqlOf(file: string, source: string): { sql: string; line: number }[] {
  const sf = parse(file, source);
  const found: { sql: string; line: number }[] = [];
  const textOf = (node: ts.Node): string => {
    if (ts.isStringLiteralLike(node)) return node.text;
    if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ');
    let text = '';
    ts.forEachChild(node, (child) => {
      text += ` ${textOf(child)}`;
    });
    return text;
  };
  const isRaw = (callee: ts.Expression) => {
    const c = skipWrappers(callee);
    return ts.isPropertyAccessExpression(c) && RAW_METHODS.has(c.name.text);
  };
  const visit = (node: ts.Node) => {
    if (ts.isTaggedTemplateExpression(node) && isRaw(node.tag))
      found.push({ sql: textOf(node.template), line: lineOf(sf, node) });
    else if (ts.isCallExpression(node) && isRaw(node.expression)) {
      found.push({ sql: node.arguments.map(textOf).join(' '), line: lineOf(sf, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * Rule (e): only the owning module touches a model. Files outside src/modules (plugins, domain, lib,
 * app, server, scheduler) touch none; the demo seed is exempt. Raw SQL naming a table counts too.
 */
export function checkModelAccess(tree: SourceTree, owners: Record<string, string>): Violation[] {
  const models = new Set(Object.keys(owners));
  const tables = new Map(Object.keys(owners).map((m) => [m[0]!.toUpperCase() + m.slice(1), m]));
  const violations: Violation[] = [];
  for (const [file, source] of sortedEntries(tree)) {
    const area = areaOf(file);
    if (area === 'seed' || area === 'generated') continue;
    // The scheduler is infrastructure with one table of its own (its leases); it imports no module.
    const here = moduleOf(file) ?? (file === 'src/scheduler.ts' ? 'scheduler' : undefined);
    const where = here ? `the ${here} module` : file;
    for (const access of tableAccessesOf(file, source)) {
      if (access.nested) continue;
      const model = tables.get(access.table);
      if (!model) continue;
      const owner = owners[model]!;
      if (owner === here) continue;
      violations.push({
        rule: 'model-access',
        file,
        line: access.line,
        message: `${where} runs ${access.method}('${access.table}'); ${model} belongs to the ${owner} module (ask its front door)`,
      });
    }
    for (const access of modelAccessesOf(file, source, models)) {
      const owner = owners[access.model]!;
      if (owner === here) continue;
      violations.push({
        rule: 'model-access',
        file,
        line: access.line,
        message: `${where} calls ${access.model}.${access.method}(); ${access.model} belongs to the ${owner} module (ask its front door)`,
      });
    }
    for (const raw of rawSqlOf(file, source)) {
      for (const [table, model] of tables) {
        if (!new RegExp(`\\b${table}\\b`).test(raw.sql)) continue;
        const owner = owners[model]!;
        if (owner === here) continue;
        violations.push({
          rule: 'raw-sql',
          file,
          line: raw.line,
          message: `${where} runs raw SQL on "${table}"; ${model} belongs to the ${owner} module (ask its front door)`,
        });
      }
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------------------
// The ownership table against the schema

/** `model FundLedgerEntry {` → `fundLedgerEntry`, the name of the client's delegate. */
export function schemaModels(schema: string): string[] {
  return [...schema.matchAll(/^\s*model\s+(\w+)\s*\{/gm)].map((m) => m[1]![0]!.toLowerCase() + m[1]!.slice(1));
}

/**
 * Rule (f): every model has an owner, and every entry names a real model. (An owner whose module folder
 * does not exist yet is allowed: a table may be declared before the module that will own it.)
 */
export function checkOwnershipTable(schema: string, owners: Record<string, string>): Violation[] {
  const models = schemaModels(schema);
  const violations: Violation[] = [];
  for (const model of models) {
    if (!(model in owners)) {
      violations.push({
        rule: 'ownership-table',
        file: 'prisma/schema.prisma',
        message: `model ${model} has no owner in tests/architecture/ownership.ts: give the new table a module`,
      });
    }
  }
  for (const model of Object.keys(owners)) {
    if (!models.includes(model)) {
      violations.push({
        rule: 'ownership-table',
        file: 'tests/architecture/ownership.ts',
        message: `${model} is not a model in prisma/schema.prisma`,
      });
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------------------
// Size

/** No source file over MAX_LINES lines (message catalogues and the generated client aside). */
export function checkFileSizes(tree: SourceTree, max = MAX_LINES): Violation[] {
  return sortedEntries(tree)
    .filter(([file]) => !SIZE_EXEMPT.some((re) => re.test(file)))
    .map(([file, source]) => [file, source.replace(/\n$/, '').split('\n').length] as const)
    .filter(([, lines]) => lines > max)
    .map(([file, lines]) => ({
      rule: 'file-size' as const,
      file,
      message: `${lines} lines; split it by use case (a module: queries.ts / commands.ts) to ${max} or fewer`,
    }));
}

// ---------------------------------------------------------------------------------------------------------

export interface CheckInput {
  tree: SourceTree;
  owners: Record<string, string>;
  /** The text of prisma/schema.prisma; when absent, rule (f) is not checked. */
  schema?: string;
}

/** Every rule at once, in a stable order. */
export function checkArchitecture({ tree, owners, schema }: CheckInput): Violation[] {
  return [
    ...checkFrontDoorsExist(tree),
    ...checkImports(tree),
    ...findImportCycles(tree),
    ...checkModelAccess(tree, owners),
    ...(schema === undefined ? [] : checkOwnershipTable(schema, owners)),
    ...checkFileSizes(tree),
  ];
}

/** One line per violation, for a readable test failure. */
export function formatViolation(v: Violation): string {
  return `[${v.rule}] ${v.file}${v.line ? `:${v.line}` : ''}: ${v.message}`;
}

function sortedEntries(tree: SourceTree): [string, string][] {
  return Object.entries(tree).sort(([a], [b]) => a.localeCompare(b));
}
