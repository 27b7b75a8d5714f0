// Front door of the registrations module (residents joining an estate with its join code, and the
// approvers' decisions): the only file other modules (and app.ts) may import. It owns the Registration table.
export { default as registrationsRoutes } from './routes.ts';
export { REGISTRATION_STATUS, type RegistrationStatus } from './status.ts';
