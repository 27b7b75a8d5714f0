// Front door of the roster module (the owners of record and the units they own): the only file other
// modules (and app.ts) may import. It owns the Owner and OwnerUnit tables.
export { default as rosterRoutes, type RosterRoutesOptions } from './routes.ts';
export { type UnitVoteLock, type UnitsLockedByOpenVotes } from './vote-lock.ts';
export { activeOwnerAccounts, ownerIdOfUser, ownerLinksOfEstate, ownersByUnit } from './owners.ts';
export { findRosterMatch, linkOwnerToUser, ownersOfUnit } from './registration-links.ts';
