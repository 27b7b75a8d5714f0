import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';
import { checkNewPassword } from '../../domain/password-policy.ts';
import { activeEstateStaff, createResidentAccount, phoneAlreadyRegistered, setResidentVerification } from '../auth/index.ts';
import { findRosterMatch, linkOwnerToUser, ownersOfUnit } from '../roster/index.ts';
import { unitWithBuilding } from '../places/index.ts';
import { recordAudit } from '../audit/index.ts';
import { notify } from '../notifications/index.ts';
import { REGISTRATION_STATUS, type Relation } from './status.ts';

/** The estate a join code led to. */
export interface JoinEstate {
  id: number;
  name: string;
  communityId: number;
}

/** Where a request came from, for the audit log, and when. */
export interface RequestFacts {
  ip: string;
  now: Date;
}

const NAME_MAX = 50;

/** The join form as typed (all text), see schemas.ts. */
export interface JoinFields {
  joinBuilding: string;
  joinUnit: string;
  joinName: string;
  joinPhone: string;
  joinRelation: string;
  joinPassword: string;
  joinConfirm: string;
}

/** A join form that passed every check: ready to hash the password and register. */
export interface CheckedJoin {
  name: string;
  /** Eleven digits; also the login name. */
  phone: string;
  buildingId: number;
  unitId: number;
  relation: Relation;
  password: string;
}

/**
 * Checks a join form and says what is wrong next to each field: name, a mainland mobile number not
 * registered in the estate yet, a room of the chosen building of this estate, owner or tenant, and a
 * password that passes the policy (residents log in with their number, so it may not be the number).
 */
export async function checkJoinForm(
  db: DbTx,
  estate: JoinEstate,
  form: JoinFields,
): Promise<{ ok: true; join: CheckedJoin } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const name = form.joinName.normalize('NFKC').trim();
  if (name === '') errors.push({ field: 'joinName', code: 'required' });
  else if (Array.from(name).length > NAME_MAX) errors.push({ field: 'joinName', code: 'too_long', params: { max: NAME_MAX } });

  const phone = normalizeMainlandMobile(form.joinPhone);
  if (form.joinPhone.trim() === '') errors.push({ field: 'joinPhone', code: 'required' });
  else if (phone === null) errors.push({ field: 'joinPhone', code: 'reg_phone_invalid' });
  else if (await phoneAlreadyRegistered(db, estate.id, phone)) errors.push({ field: 'joinPhone', code: 'reg_phone_taken' });

  const buildingId = Number(form.joinBuilding);
  const unitId = Number(form.joinUnit);
  if (form.joinBuilding === '') errors.push({ field: 'joinBuilding', code: 'required' });
  if (form.joinUnit === '') errors.push({ field: 'joinUnit', code: 'required' });
  else if (form.joinBuilding !== '') {
    const unit = await unitWithBuilding(db, unitId);
    if (!unit || unit.building.estateId !== estate.id || unit.buildingId !== buildingId)
      errors.push({ field: 'joinUnit', code: 'reg_unit_unknown' });
  }

  if (form.joinRelation === '') errors.push({ field: 'joinRelation', code: 'required' });

  if (form.joinPassword === '') errors.push({ field: 'joinPassword', code: 'required' });
  else {
    const policy = checkNewPassword(form.joinPassword, phone ?? form.joinPhone.trim());
    if (!policy.ok) {
      const code = policy.problem === 'same_as_username' ? 'reg_password_is_phone' : policy.problem;
      errors.push({ field: 'joinPassword', code, ...(policy.params ? { params: policy.params } : {}) });
    } else if (form.joinConfirm !== form.joinPassword) errors.push({ field: 'joinConfirm', code: 'mismatch' });
  }

  if (errors.length > 0 || phone === null) return { ok: false, errors };
  return {
    ok: true,
    join: { name, phone, buildingId, unitId, relation: form.joinRelation as Relation, password: form.joinPassword },
  };
}

/**
 * Registers a resident who joined with the estate's code, in the caller's transaction: an unverified
 * resident account (login name = mobile number), a pending registration with the roster evidence (the
 * unit's owner of record with the same number, if any: shown to approvers, never a link), an audit entry,
 * and a notification to the estate's property and committee. The same number twice is refused here, and
 * by the login name's unique key when two submissions race (see `isUniqueViolation`).
 */
export async function registerResident(
  tx: DbTx,
  estate: JoinEstate,
  join: Omit<CheckedJoin, 'password'> & { passwordHash: string },
  facts: RequestFacts,
) {
  if (await phoneAlreadyRegistered(tx, estate.id, join.phone))
    throw new ValidationFailed([{ field: 'joinPhone', code: 'reg_phone_taken' }]);
  const unit = await unitWithBuilding(tx, join.unitId);
  if (!unit || unit.building.estateId !== estate.id || unit.buildingId !== join.buildingId) {
    throw new ValidationFailed([{ field: 'joinUnit', code: 'reg_unit_unknown' }]);
  }
  const user = await createResidentAccount(tx, {
    username: join.phone,
    displayName: join.name,
    phone: join.phone,
    passwordHash: join.passwordHash,
    communityId: estate.communityId,
    estateId: estate.id,
    unitId: unit.id,
    isTenant: join.relation === 'tenant',
    now: facts.now,
  });
  const match = await findRosterMatch(tx, estate.id, unit.id, join.phone);
  const registration = await tx.registration.create({
    data: {
      userId: user.id,
      estateId: estate.id,
      buildingId: unit.buildingId,
      unitId: unit.id,
      claimedRelation: join.relation,
      status: REGISTRATION_STATUS.pending,
      rosterMatchOwnerId: match?.id ?? null,
      createdAt: facts.now,
    },
    select: { id: true },
  });
  await recordAudit(tx, {
    who: { userId: user.id, displayName: join.name, role: 'resident' },
    ip: facts.ip,
    action: 'registration.submit',
    entityType: 'registration',
    entityId: registration.id,
    communityId: estate.communityId,
    estateId: estate.id,
    after: {
      userId: user.id,
      unitId: unit.id,
      claimedRelation: join.relation,
      rosterMatchOwnerId: match?.id ?? null,
      status: REGISTRATION_STATUS.pending,
    },
  });
  const approvers = [
    ...(await activeEstateStaff(tx, estate.id, 'property')),
    ...(await activeEstateStaff(tx, estate.id, 'committee')),
  ];
  await notify(
    tx,
    approvers.map((userId) => ({
      userId,
      kind: 'registration_submitted',
      params: { name: join.name, building: unit.building.name, entrance: unit.entrance, room: unit.room },
      link: `/registrations/${registration.id}`,
    })),
  );
  return { userId: user.id, registrationId: registration.id };
}

/** A unique key refused the write (Prisma P2002): a double submission lost the race to the first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** The property and the committee of the estate decide; community staff only look. */
export function mayDecide(actor: Actor, estateId: number): boolean {
  return (actor.role === 'property' || actor.role === 'committee') && actor.estateIds.includes(estateId);
}

export type Decision = { kind: 'owner'; ownerId: number | null } | { kind: 'tenant' } | { kind: 'decline'; reason: string };

const REASON_MAX = 200;

const OUTCOME = {
  owner: REGISTRATION_STATUS.approvedOwner,
  tenant: REGISTRATION_STATUS.approvedTenant,
  decline: REGISTRATION_STATUS.declined,
} as const;

/**
 * An approver's decision on a pending registration, in the caller's transaction: approve the person as
 * the owner of record they chose (linking that owner to the account), as a tenant (who never votes), or
 * decline with a reason. The registration row is claimed first (pending → decided), so a second decision
 * is a Conflict and writes nothing; the decision is audited and the resident told.
 */
export async function decideRegistration(
  tx: DbTx,
  actor: Actor,
  id: number,
  decision: Decision,
  facts: RequestFacts,
): Promise<void> {
  const registration = await tx.registration.findFirst({
    where: { id, estateId: { in: actor.estateIds } },
    include: {
      user: { select: { id: true, displayName: true, verified: true, isTenant: true } },
      estate: { select: { name: true, communityId: true } },
      unit: { select: { entrance: true, room: true, building: { select: { name: true } } } },
    },
  });
  if (!registration || !mayDecide(actor, registration.estateId)) throw new NotFound();
  if (registration.status !== REGISTRATION_STATUS.pending) throw new Conflict('registrations.errors.alreadyDecided');

  let ownerId: number | null = null;
  let reason = '';
  if (decision.kind === 'owner') {
    const owners = await ownersOfUnit(tx, registration.unitId);
    const chosen = owners.find((o) => o.id === decision.ownerId);
    if (!chosen)
      throw new ValidationFailed([{ field: 'regOwner', code: decision.ownerId === null ? 'required' : 'reg_owner_unknown' }]);
    if (chosen.userId !== null && chosen.userId !== registration.userId)
      throw new ValidationFailed([{ field: 'regOwner', code: 'reg_owner_taken' }]);
    ownerId = chosen.id;
  } else if (decision.kind === 'decline') {
    reason = decision.reason.normalize('NFKC').trim();
    if (reason === '') throw new ValidationFailed([{ field: 'regReason', code: 'required' }]);
    if (Array.from(reason).length > REASON_MAX)
      throw new ValidationFailed([{ field: 'regReason', code: 'too_long', params: { max: REASON_MAX } }]);
  }

  const status = OUTCOME[decision.kind];
  const claimed = await tx.registration.updateMany({
    where: { id, status: REGISTRATION_STATUS.pending },
    data: { status, decidedById: actor.userId, decidedAt: facts.now, approvedOwnerId: ownerId, declineReason: reason },
  });
  if (claimed.count !== 1) throw new Conflict('registrations.errors.alreadyDecided');

  const user = registration.user;
  let after: { verified: boolean; isTenant: boolean } = { verified: user.verified, isTenant: user.isTenant };
  if (decision.kind === 'owner') {
    const linked = await linkOwnerToUser(tx, ownerId as number, user.id);
    if (!linked) throw new ValidationFailed([{ field: 'regOwner', code: 'reg_owner_taken' }]);
    after = { verified: true, isTenant: false };
  } else if (decision.kind === 'tenant') after = { verified: true, isTenant: true };
  if (decision.kind !== 'decline') await setResidentVerification(tx, user.id, after);

  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: facts.ip,
    action: decision.kind === 'decline' ? 'registration.decline' : `registration.approve_${decision.kind}`,
    entityType: 'registration',
    entityId: id,
    communityId: registration.estate.communityId,
    estateId: registration.estateId,
    before: { status: registration.status, verified: user.verified, isTenant: user.isTenant, ownerId: null },
    after: { status, ...after, ownerId, ...(reason ? { reason } : {}) },
    note: reason,
  });
  const { unit } = registration;
  const place = { estate: registration.estate.name, building: unit.building.name, entrance: unit.entrance, room: unit.room };
  await notify(tx, [
    {
      userId: user.id,
      kind: `registration_${status}`,
      params: decision.kind === 'decline' ? { ...place, reason } : place,
      link: '/registration',
    },
  ]);
}
