import { randomBytes } from 'node:crypto';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/index.ts';
import { guardUnique, type ChangedBy } from './admin-commands.ts';
import { categoryData, outsideUnitData } from './forms.ts';
import type { CategoryForm, OutsideUnitForm } from './schemas.ts';

/**
 * The administration of what issues are filed under and handed to: categories (a community's own, or the
 * shared set an administrator keeps) and outside units. Same shape as admin-commands.ts: check, refuse a
 * duplicate name inline, write, audit, all in the caller's transaction.
 */

const CATEGORY_FIELDS = {
  nameZh: true,
  nameEn: true,
  responseHours: true,
  resolveHours: true,
  emergency: true,
  defaultParty: true,
  sortOrder: true,
  active: true,
} as const;

/**
 * A community's category may not repeat a name of its own or of the shared set (residents would see both
 * in one list); a shared category may not repeat another shared one.
 */
async function refuseDuplicateCategory(
  tx: DbTx,
  communityId: number | null,
  names: { nameZh: string; nameEn: string },
  exceptId?: number,
) {
  const scope = communityId === null ? { communityId: null } : { OR: [{ communityId }, { communityId: null }] };
  const notSelf = exceptId === undefined ? {} : { id: { not: exceptId } };
  const errors: FieldError[] = [];
  if (await tx.category.findFirst({ where: { AND: [scope, notSelf, { nameZh: names.nameZh }] }, select: { id: true } })) {
    errors.push({ field: 'categoryNameZh', code: 'place_duplicate' });
  }
  if (await tx.category.findFirst({ where: { AND: [scope, notSelf, { nameEn: names.nameEn }] }, select: { id: true } })) {
    errors.push({ field: 'categoryNameEn', code: 'place_duplicate' });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
}

/** A stable, unique code for a category made here (the built-in ones have readable codes like `leak`). */
function newCategoryCode(communityId: number | null): string {
  return `${communityId === null ? 'shared' : `c${communityId}`}-${randomBytes(5).toString('hex')}`;
}

export async function createCategory(tx: DbTx, by: ChangedBy, communityId: number | null, form: CategoryForm) {
  const data = categoryData(form);
  await refuseDuplicateCategory(tx, communityId, data);
  const category = await guardUnique(
    () => tx.category.create({ data: { ...data, communityId, code: newCategoryCode(communityId) } }),
    'categoryNameZh',
  );
  await recordAudit(tx, {
    ...by,
    action: 'category.create',
    entityType: 'category',
    entityId: category.id,
    communityId,
    after: data,
  });
  return category;
}

export async function updateCategory(tx: DbTx, by: ChangedBy, id: number, form: CategoryForm) {
  const data = categoryData(form);
  const current = await tx.category.findUnique({ where: { id }, select: { ...CATEGORY_FIELDS, communityId: true } });
  if (!current) throw new NotFound();
  const { communityId, ...before } = current;
  await refuseDuplicateCategory(tx, communityId, data, id);
  await tx.category.update({ where: { id }, data });
  await recordAudit(tx, {
    ...by,
    action: 'category.update',
    entityType: 'category',
    entityId: id,
    communityId,
    before,
    after: data,
  });
}

// ─── outside units ───

export async function createOutsideUnit(tx: DbTx, by: ChangedBy, communityId: number, form: OutsideUnitForm) {
  const data = outsideUnitData(form);
  if (await tx.outsideUnit.findFirst({ where: { communityId, name: data.name }, select: { id: true } })) {
    throw new ValidationFailed([{ field: 'outsideName', code: 'place_duplicate' }]);
  }
  const unit = await guardUnique(() => tx.outsideUnit.create({ data: { ...data, communityId } }), 'outsideName');
  await recordAudit(tx, {
    ...by,
    action: 'outside_unit.create',
    entityType: 'outside_unit',
    entityId: unit.id,
    communityId,
    after: data,
  });
  return unit;
}

export async function updateOutsideUnit(tx: DbTx, by: ChangedBy, id: number, form: OutsideUnitForm) {
  const data = outsideUnitData(form);
  const current = await tx.outsideUnit.findUnique({
    where: { id },
    select: { name: true, kind: true, contactName: true, phone: true, active: true, communityId: true },
  });
  if (!current) throw new NotFound();
  const { communityId, ...before } = current;
  if (await tx.outsideUnit.findFirst({ where: { communityId, name: data.name, id: { not: id } }, select: { id: true } })) {
    throw new ValidationFailed([{ field: 'outsideName', code: 'place_duplicate' }]);
  }
  await guardUnique(() => tx.outsideUnit.update({ where: { id }, data }), 'outsideName');
  await recordAudit(tx, {
    ...by,
    action: 'outside_unit.update',
    entityType: 'outside_unit',
    entityId: id,
    communityId,
    before,
    after: data,
  });
}
