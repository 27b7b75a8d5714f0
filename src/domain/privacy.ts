/**
 * Masking of personal data for people who may see that an issue exists but not who filed it
 * (docs/domain.md, Scope: 张*, 138****1234).
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  const first = chars[0] as string;
  // Latin names: keep the initial of the first word only.
  if (/^[A-Za-z]/.test(first)) return `${first}.`;
  return `${first}${'*'.repeat(Math.max(1, chars.length - 1))}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return digits.length === 0 ? '' : '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
