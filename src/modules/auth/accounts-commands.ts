import { randomBytes } from 'node:crypto';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { hashPassword } from '../../lib/password.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';
import { Conflict, ValidationFailed, type FieldError } from '../../errors.ts';
import { recordAudit, type AuditWho } from '../audit/index.ts';
import { grantableRoles, type ScopeChoices, type StaffAccount, type StaffRole } from './accounts-queries.ts';
import { isUniqueViolation, usernameErrors } from './recovery.ts';
import { issueToken, voidTokensOf, type IssuedToken } from './tokens.ts';

/**
 * Changes to accounts, one transaction each, every one written to the audit log with before and after:
 * creating a staff account (no password typed by anyone: the new owner sets theirs through a one-time
 * link), changing its party or scope, deactivating (its sessions end at once) and reactivating it, and
 * issuing a reset link.
 */

export interface ChangedBy {
  who: AuditWho;
  ip: string;
  now: Date;
}

export function changedBy(actor: Actor, ip: string, now: Date): ChangedBy {
  return { who: { userId: actor.userId, displayName: actor.displayName, role: actor.role }, ip, now };
}

/** An account's fields as the forms send them (a repeated `estateIds` is an array). */
export interface AccountFields {
  role: string;
  displayName: string;
  phone: string;
  orgName: string;
  estateIds?: string | string[];
  communityId: string;
}

/** A checked account: its party and scope. */
export interface AccountValue {
  role: StaffRole;
  displayName: string;
  phone: string;
  orgName: string;
  estateIds: number[];
  communityId: number | null;
}

/** Checks the form against what the actor may grant; each problem comes back on its field. */
export function checkAccountFields(
  actor: Actor,
  form: AccountFields,
  choices: ScopeChoices,
): { value: AccountValue; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const role = grantableRoles(actor).find((r) => r === form.role);
  if (!role) errors.push({ field: 'role', code: form.role === '' ? 'required' : 'invalid' });
  const displayName = form.displayName.trim();
  if (displayName === '') errors.push({ field: 'displayName', code: 'required' });
  else if (Array.from(displayName).length > 50) errors.push({ field: 'displayName', code: 'too_long', params: { max: 50 } });
  const rawPhone = form.phone.trim();
  const phone = rawPhone === '' ? '' : normalizeMainlandMobile(rawPhone);
  if (phone === null) errors.push({ field: 'phone', code: 'phone_invalid' });
  const orgName = form.orgName.trim();
  if (Array.from(orgName).length > 60) errors.push({ field: 'orgName', code: 'too_long', params: { max: 60 } });

  let estateIds: number[] = [];
  let communityId: number | null = null;
  if (role === 'property' || role === 'committee') {
    const raw = form.estateIds === undefined ? [] : Array.isArray(form.estateIds) ? form.estateIds : [form.estateIds];
    estateIds = [...new Set(raw.map(Number))].sort((a, b) => a - b);
    const allowed = new Set(choices.estates.map((e) => e.id));
    if (estateIds.length === 0) errors.push({ field: 'estateIds', code: 'scope_required' });
    else if (estateIds.some((id) => !allowed.has(id))) errors.push({ field: 'estateIds', code: 'invalid' });
  } else if (role === 'community') {
    communityId = form.communityId === '' ? null : Number(form.communityId);
    if (communityId === null) errors.push({ field: 'communityId', code: 'scope_required' });
    else if (!choices.communities.some((c) => c.id === communityId)) errors.push({ field: 'communityId', code: 'invalid' });
  }
  return { value: { role: role ?? 'property', displayName, phone: phone ?? '', orgName, estateIds, communityId }, errors };
}

/** What the audit log keeps of an account, before and after a change. */
function snapshot(a: {
  username: string;
  displayName: string;
  phone: string;
  orgName: string;
  role: string;
  active: boolean;
  communityId: number | null;
  estateIds: number[];
}) {
  return {
    username: a.username,
    displayName: a.displayName,
    phone: a.phone,
    orgName: a.orgName,
    role: a.role,
    active: a.active,
    communityId: a.communityId,
    estateIds: a.estateIds,
  };
}

const estateIdsOf = (account: StaffAccount) => account.estates.map((e) => e.estateId);

/** Where the entry is filed for community staff to find: the account's community (or its estate's). */
function filedUnder(account: { communityId: number | null }, estates: { estateId: number; communityId: number | null }[]) {
  return {
    communityId: account.communityId ?? estates[0]?.communityId ?? null,
    estateId: estates.length === 1 ? (estates[0]?.estateId ?? null) : null,
  };
}

function placesOf(value: AccountValue, choices: ScopeChoices) {
  return value.estateIds.map((estateId) => ({
    estateId,
    communityId: choices.estates.find((e) => e.id === estateId)?.communityId ?? null,
  }));
}

/** Random, never shown, never usable: the owner sets the real password with the reset link. */
export function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}

/**
 * Creates a staff account and a one-time link for its owner to set the password. A taken login name is
 * reported on the field.
 */
export async function createStaffAccount(
  tx: DbTx,
  by: ChangedBy,
  username: string,
  value: AccountValue,
  choices: ScopeChoices,
  passwordHash: string,
): Promise<{ id: number; link: IssuedToken }> {
  const problems = usernameErrors(username);
  if (problems.length > 0) throw new ValidationFailed(problems);
  if ((await tx.user.count({ where: { username } })) > 0)
    throw new ValidationFailed([{ field: 'username', code: 'username_taken' }]);
  let user: { id: number };
  try {
    user = await tx.user.create({
      data: {
        username,
        passwordHash,
        displayName: value.displayName,
        phone: value.phone,
        orgName: value.orgName,
        role: value.role,
        communityId: value.communityId,
        verified: true,
        passwordChangedAt: by.now,
        createdAt: by.now,
        estates: { create: value.estateIds.map((estateId) => ({ estateId })) },
      },
      select: { id: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationFailed([{ field: 'username', code: 'username_taken' }]);
    throw error;
  }
  const link = await issueToken(tx, 'reset', user.id, by.who.userId, by.now);
  await recordAudit(tx, {
    who: by.who,
    ip: by.ip,
    action: 'account.create',
    entityType: 'user',
    entityId: user.id,
    ...filedUnder(value, placesOf(value, choices)),
    after: snapshot({ username, active: true, ...value }),
    at: by.now,
  });
  return { id: user.id, link };
}

/** Changes a staff account's name, contact, party or scope; the audit action says what kind of change. */
export async function updateStaffAccount(
  tx: DbTx,
  by: ChangedBy,
  account: StaffAccount,
  value: AccountValue,
  choices: ScopeChoices,
): Promise<void> {
  if (account.id === by.who.userId && value.role !== account.role) {
    throw new ValidationFailed([{ field: 'role', code: 'account_own_role' }]);
  }
  const before = snapshot({ ...account, estateIds: estateIdsOf(account) });
  const after = snapshot({ ...account, ...value });
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await tx.user.update({
    where: { id: account.id },
    data: {
      displayName: value.displayName,
      phone: value.phone,
      orgName: value.orgName,
      role: value.role,
      communityId: value.communityId,
      estates: { deleteMany: {}, create: value.estateIds.map((estateId) => ({ estateId })) },
    },
  });
  const action =
    before.role !== after.role
      ? 'account.role'
      : JSON.stringify([before.estateIds, before.communityId]) !== JSON.stringify([after.estateIds, after.communityId])
        ? 'account.scope'
        : 'account.update';
  await recordAudit(tx, {
    who: by.who,
    ip: by.ip,
    action,
    entityType: 'user',
    entityId: account.id,
    ...filedUnder(value, placesOf(value, choices)),
    before,
    after,
    at: by.now,
  });
}

/**
 * Deactivates or reactivates a staff account. Deactivating ends every session of it in the same
 * transaction (it is logged out at once) and voids its unused links; its history stays.
 */
export async function setAccountActive(tx: DbTx, by: ChangedBy, account: StaffAccount, active: boolean): Promise<void> {
  if (account.id === by.who.userId) throw new Conflict('accounts.notYourself');
  if (account.active === active) return;
  await tx.user.update({ where: { id: account.id }, data: { active, deactivatedAt: active ? null : by.now } });
  if (!active) {
    await tx.session.deleteMany({ where: { userId: account.id } });
    await voidTokensOf(tx, account.id, by.now);
  }
  const estates = account.estates.map((e) => ({ estateId: e.estateId, communityId: e.estate.communityId }));
  await recordAudit(tx, {
    who: by.who,
    ip: by.ip,
    action: active ? 'account.reactivate' : 'account.deactivate',
    entityType: 'user',
    entityId: account.id,
    ...filedUnder(account, estates),
    before: { active: account.active },
    after: { active },
    at: by.now,
  });
}

/**
 * Issues a one-time reset link for an account (staff or resident) the actor manages; older unused links
 * of the account stop working. A deactivated account gets none.
 */
export async function issueResetLink(
  tx: DbTx,
  by: ChangedBy,
  account: {
    id: number;
    active: boolean;
    communityId: number | null;
    estateId?: number | null;
    estates?: { estateId: number; estate: { communityId: number } }[];
  },
): Promise<IssuedToken> {
  if (!account.active) throw new Conflict('accounts.inactiveNoLink');
  const link = await issueToken(tx, 'reset', account.id, by.who.userId, by.now);
  const estates = account.estates?.map((e) => ({ estateId: e.estateId, communityId: e.estate.communityId })) ?? [];
  const filed = filedUnder(account, estates);
  await recordAudit(tx, {
    who: by.who,
    ip: by.ip,
    action: 'account.reset_link',
    entityType: 'user',
    entityId: account.id,
    communityId: filed.communityId,
    estateId: account.estateId ?? filed.estateId,
    after: { expiresAt: link.expiresAt.toISOString() },
    at: by.now,
  });
  return link;
}
