export const ROLE_NAMES = ['resident', 'property', 'committee', 'community', 'admin'] as const;
export type Role = (typeof ROLE_NAMES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}
