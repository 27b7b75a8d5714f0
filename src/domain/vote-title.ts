/**
 * The title of an owners' vote is what owners vote on, what the notice board announces ("表决通过：…")
 * and what a court later reads, so it names the works and the place in neutral words. The complaint's
 * headline ("卧室天花板漏水，下雨就滴") is none of these: the draft form asks for the title explicitly and
 * only suggests one built from the issue's category and place.
 */

export const VOTE_TITLE_MAX = 80;
export const VOTE_TITLE_MIN = 3;

export interface VoteTitleParts {
  readonly locale: 'zh-CN' | 'en';
  readonly matter: string;
  /** The matter as the reader's language names it ("筹集维修资金"), for matters other than using the fund. */
  readonly matterLabel: string;
  /** The issue's category in the reader's language ("屋面/外墙渗漏"), if the vote comes from an issue. */
  readonly categoryName: string | null;
  /** The buildings in scope; none means the whole estate. */
  readonly buildingNames: readonly string[];
  readonly estateName: string;
}

const chars = (s: string) => Array.from(s).length;
const clip = (s: string, max: number) => Array.from(s).slice(0, max).join('');

/** "5号楼、6号楼", or the estate when the vote is about the whole of it. */
function placeOf(parts: VoteTitleParts): string {
  if (parts.buildingNames.length === 0) return parts.estateName;
  return parts.buildingNames.join(parts.locale === 'zh-CN' ? '、' : ', ');
}

export function suggestVoteTitle(parts: VoteTitleParts): string {
  const place = placeOf(parts);
  const category = parts.categoryName?.trim() ?? '';
  if (parts.locale === 'zh-CN') {
    const title =
      parts.matter === 'use_fund'
        ? `使用维修资金维修${place}${category || '共用部位'}`
        : `${place}${category ? `${category}：` : ''}${parts.matterLabel}`;
    return clip(title, VOTE_TITLE_MAX);
  }
  const title =
    parts.matter === 'use_fund'
      ? `Use of the maintenance fund to repair ${category ? `${category.toLowerCase()} at ` : 'common parts of '}${place}`
      : `${parts.matterLabel}: ${place}${category ? ` (${category.toLowerCase()})` : ''}`;
  return clip(title, VOTE_TITLE_MAX);
}

/** Spaces and punctuation do not make a complaint's headline into a neutral title. */
function comparable(s: string): string {
  return s.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
}

export type VoteTitleProblem =
  | { readonly code: 'required' | 'vote_title_is_complaint' }
  | { readonly code: 'too_long'; readonly params: { readonly max: number } }
  | { readonly code: 'too_short'; readonly params: { readonly min: number } };

/** What is wrong with a typed title, or null. The complaint's own headline is refused outright. */
export function checkVoteTitle(title: string, complaintTitle: string | null): VoteTitleProblem | null {
  const typed = title.trim();
  if (typed === '') return { code: 'required' };
  if (chars(typed) > VOTE_TITLE_MAX) return { code: 'too_long', params: { max: VOTE_TITLE_MAX } };
  if (chars(typed) < VOTE_TITLE_MIN) return { code: 'too_short', params: { min: VOTE_TITLE_MIN } };
  if (complaintTitle !== null && comparable(typed) === comparable(complaintTitle)) return { code: 'vote_title_is_complaint' };
  return null;
}
