import path from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/sanfang.db';

/** The SQLite file a `file:` URL points at, resolved against the working directory. */
export function databaseFileFromUrl(url: string | undefined): string {
  const value = url && url.trim() !== '' ? url.trim() : DEFAULT_DATABASE_URL;
  if (!value.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a file: URL for the embedded SQLite database, got "${value}"`);
  }
  return path.resolve(value.slice('file:'.length));
}
