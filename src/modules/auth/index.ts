// Front door of the auth module: the only file other modules (and app.ts) may import.
// TEMPORARY wide re-exports while issue #8 narrows them; the module's owner replaces these with explicit lists.
export { default as authRoutes } from './routes.ts';
export * from './guards.ts';
export * from './service.ts';
export * from './people.ts';
