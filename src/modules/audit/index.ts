// Front door of the audit module: the append-only log of every change of rights or records.
export { recordAudit, type AuditInput, type AuditWho } from './commands.ts';
export { AUDIT_ACTIONS } from './actions.ts';
export { default as auditRoutes } from './routes.ts';
