// Front door of the meetings module: the only file other modules (and app.ts) may import.
// TEMPORARY wide re-exports while issue #8 narrows them; the module's owner replaces these with explicit lists.
export { default as meetingsRoutes } from './routes.ts';
export * from './calendar.ts';
export * from './jobs.ts';
export * from './service.ts';
