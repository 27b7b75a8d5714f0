import type { Manifest } from './types.ts';

/** The accounts the pages are seen as (the manifest's bench_* users). */
export type Role = 'resident' | 'property' | 'committee' | 'community';

export interface Target {
  name: string;
  as: Role;
  method: 'GET' | 'POST';
  path: string;
  /** A POST's form fields (the CSRF token is added); UNIQUE in a value becomes a token unique to each request. */
  form?: Record<string, string>;
  /** Says what the probe's page shows about the row (a filter the app ignores), or null. */
  check?: (probeBody: string) => string | null;
}

/** Placeholder for a per-request token: letters only, so form encoding leaves it as it is. */
export const UNIQUE = 'BENCHUNIQUEID';

/** The word the search rows look for: common in issue titles (漏水, "leak"). */
export const SEARCH_WORD = '漏水';
/** A word of three characters or more, which the queue's full-text index (trigram) answers: roof leaks' 天花板. */
export const LONG_SEARCH = '天花板';

/**
 * The page each role opens right after logging in: a page with a form, so the session has its CSRF
 * cookie and a token before any load starts.
 */
export function landingPage(role: Role, m: Manifest): string {
  switch (role) {
    case 'resident':
      return '/issues/new';
    case 'property':
      return `/issues/${m.ids.publicIssueId}`;
    case 'committee':
      return `/votes/${m.ids.proposalId}`;
    case 'community':
      return '/issues';
  }
}

const searchField = (body: string) =>
  /name="q"/.test(body) ? null : 'the queue has no search field (name="q") yet: q was ignored, so this is the unfiltered queue';

/** The pages and writes measured, in order. The ballot row is separate (ballots.ts): 400 voters, once each. */
export function targets(m: Manifest): Target[] {
  const q = encodeURIComponent(SEARCH_WORD);
  const { categoryId, buildingId, longIssueId, publicIssueId, proposalId } = m.ids;
  return [
    { name: 'resident: my issues', as: 'resident', method: 'GET', path: '/issues/mine' },
    { name: 'resident: estate public issues', as: 'resident', method: 'GET', path: '/issues/public' },
    { name: 'community: triage queue', as: 'community', method: 'GET', path: '/issues' },
    {
      name: 'community: queue, category + building',
      as: 'community',
      method: 'GET',
      path: `/issues?view=all&category=${categoryId}&building=${buildingId}`,
    },
    { name: 'community: queue, emergencies', as: 'community', method: 'GET', path: '/issues?view=all&emergency=1' },
    { name: 'community: queue, search', as: 'community', method: 'GET', path: `/issues?view=all&q=${q}`, check: searchField },
    {
      name: 'community: queue, full-text search (3+ chars)',
      as: 'community',
      method: 'GET',
      path: `/issues?view=all&q=${encodeURIComponent(LONG_SEARCH)}`,
      check: searchField,
    },
    { name: 'community: queue by due date', as: 'community', method: 'GET', path: '/issues?view=open&sort=due' },
    { name: 'property: queue', as: 'property', method: 'GET', path: '/issues' },
    { name: 'issue page (long issue)', as: 'property', method: 'GET', path: `/issues/${longIssueId}` },
    { name: 'community: dashboard', as: 'community', method: 'GET', path: '/dashboard' },
    { name: 'property: dashboard', as: 'property', method: 'GET', path: '/dashboard' },
    { name: 'vote page (open vote)', as: 'committee', method: 'GET', path: `/votes/${proposalId}` },
    { name: 'resident: notice board', as: 'resident', method: 'GET', path: '/notices' },
    {
      name: 'POST file an issue',
      as: 'resident',
      method: 'POST',
      path: '/issues',
      form: {
        categoryId: String(categoryId),
        locationType: 'estate',
        locationNote: '',
        title: `压测报修 ${UNIQUE}`,
        description: '压测：小区公共区域的报修，用于测量提交的吞吐量。',
        submissionKey: UNIQUE,
        // past the offer of similar open issues (the same category recurs): the write is what is measured
        similarChecked: '1',
      },
    },
    {
      // Every workflow action moves the issue's state (and carries its version, so a repeat is a 409);
      // a comment can repeat without changing state. Each body differs, or a repeat within a minute
      // would be answered as the same comment without a write.
      name: 'POST comment on an issue (property)',
      as: 'property',
      method: 'POST',
      path: `/issues/${publicIssueId}/comments`,
      form: { body: `物业进度说明：已派人查看 ${UNIQUE}` },
    },
  ];
}

/** The rows --only keeps. */
export const selected = (name: string, only: string | null): boolean =>
  only === null || name.toLowerCase().includes(only.toLowerCase());

export const BALLOTS_ROW = 'POST ballots (each voter once)';
