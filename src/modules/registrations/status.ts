/** Where a registration stands (Registration.status). Pending until one approver decides, once. */
export const REGISTRATION_STATUS = {
  pending: 'pending',
  approvedOwner: 'approved_owner',
  approvedTenant: 'approved_tenant',
  declined: 'declined',
} as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUS)[keyof typeof REGISTRATION_STATUS];

/** What the person says they are; only an approver's decision makes it so. */
export const RELATIONS = ['owner', 'tenant'] as const;
export type Relation = (typeof RELATIONS)[number];
