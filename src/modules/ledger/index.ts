// Front door of the ledger module (the fund ledger: approved amounts and spending): the only file other
// modules (and app.ts) may import. It owns the FundLedgerEntry table.
export { default as ledgerRoutes } from './routes.ts';
export { recordApprovedAmount } from './commands.ts';
