// Front door of the votes module: the only file other modules (and app.ts) may import.
// TEMPORARY wide re-exports while issue #8 narrows them; the module's owner replaces these with explicit lists.
export { default as votesRoutes } from './routes.ts';
export * from './jobs.ts';
export * from './scope.ts';
export * from './service.ts';
