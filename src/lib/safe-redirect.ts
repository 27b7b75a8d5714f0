/** Only same-site paths: "/issues/3" yes; "//evil.example", "https://…" or "/\\evil" no. */
export function safeLocalPath(value: string | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(value)) return fallback;
  return value;
}
