// Front door of the attachments module: the only file other modules (and app.ts) may import.
// TEMPORARY wide re-exports while issue #8 narrows them; the module's owner replaces these with explicit lists.
export { default as attachmentsRoutes } from './routes.ts';
export * from './scope.ts';
export * from './service.ts';
