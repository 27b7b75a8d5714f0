// Front door of the auth module (accounts, sessions, the signed-in actor): the only file other modules
// (and app.ts) may import. It owns the User, UserEstate, Session, AccountToken, LoginThrottle and KnownDevice tables.
export { default as authRoutes } from './routes.ts';
export { sessionStore } from './sessions.ts';
export { jobs } from './jobs.ts';
// First start (issue #9): the one-time setup link printed by `npm start` and `npm run setup-admin`.
export { firstStartSetupLink, newSetupLink } from './setup-link.ts';
// people.ts is the module's public file by design: the reads (and small commands) on people that other
// modules need, each added there for its caller.
export * from './people.ts';
