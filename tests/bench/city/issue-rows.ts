import { DAY, HOUR, MINUTE, partyUser, type CategoryInfo, type City, type CommunityInfo, type EstateInfo } from './city.ts';
import { iso, isoOrNull } from './store.ts';
import { COMMENTS } from './text.ts';
import { replay, type IssueOutcome, type Step } from './timeline.ts';

/** One issue as filed and lived: what the writer needs besides its steps. */
export interface IssueSpec {
  id: number;
  estate: EstateInfo;
  reporterId: number;
  /** Index of the reporter's unit. */
  reporterUnit: number;
  category: CategoryInfo;
  locationType: 'unit' | 'building' | 'estate';
  title: string;
  description: string;
  created: number;
  steps: Step[];
  supporters: number;
  photos: number;
  comments: number;
}

const OPEN = new Set(['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote']);

/**
 * Writes an issue with everything that hangs off it, as the app would have left it: the row (its
 * columns replayed from the steps), one IssueEvent per step, supports, photos and comments (the counts on
 * the row equal the rows written), the reporter's latest notification, and for an open issue past its
 * deadline the community's overdue notice (so the overdue job finds nothing left to say).
 */
export class IssueWriter {
  private nextEvent = 1;
  private nextComment = 1;
  private nextNotification = 1;
  private readonly issue;
  private readonly event;
  private readonly support;
  private readonly attachment;
  private readonly comment;
  readonly notification;

  constructor(private readonly city: City) {
    const { store } = city;
    this.issue = store.table('Issue', [
      'id',
      'estateId',
      'communityId',
      'buildingId',
      'unitId',
      'locationType',
      'isPublic',
      'categoryId',
      'emergency',
      'title',
      'description',
      'reporterId',
      'submissionKey',
      'state',
      'assignedParty',
      'respondBy',
      'resolveBy',
      'acceptedAt',
      'startedAt',
      'resolvedAt',
      'closedAt',
      'rejectedAt',
      'rejectReason',
      'reopenCount',
      'supportCount',
      'attachmentCount',
      'handoffCount',
      'rating',
      'ratingComment',
      'ratedAt',
      'approvedAmountFen',
      'overdueNotifiedAt',
      'version',
      'createdAt',
      'updatedAt',
    ]);
    this.event = store.table('IssueEvent', [
      'id',
      'issueId',
      'actorId',
      'actorRole',
      'action',
      'fromState',
      'toState',
      'party',
      'note',
      'meetingId',
      'proposalId',
      'createdAt',
    ]);
    this.support = store.table('Support', ['issueId', 'userId', 'createdAt']);
    this.attachment = store.table('Attachment', [
      'id',
      'storageKey',
      'mime',
      'sizeBytes',
      'originalName',
      'sha256',
      'uploaderId',
      'issueId',
      'createdAt',
    ]);
    this.comment = store.table('Comment', ['id', 'issueId', 'authorId', 'body', 'createdAt']);
    this.notification = store.table('Notification', [
      'id',
      'userId',
      'kind',
      'paramsJson',
      'link',
      'issueId',
      'meetingId',
      'proposalId',
      'dedupeKey',
      'readAt',
      'createdAt',
      'deliveredAt',
    ]);
  }

  private nextAttachment = 1;

  /** A notification as the app writes it, already delivered; read by `readAt` (null: unread). */
  notify(row: {
    userId: number;
    kind: string;
    params: object;
    link: string;
    at: number;
    readAt: number | null;
    issueId?: number;
    meetingId?: number;
    proposalId?: number;
    dedupeKey?: string;
  }) {
    this.notification({
      id: this.nextNotification++,
      userId: row.userId,
      kind: row.kind,
      paramsJson: JSON.stringify(row.params),
      link: row.link,
      issueId: row.issueId ?? null,
      meetingId: row.meetingId ?? null,
      proposalId: row.proposalId ?? null,
      dedupeKey: row.dedupeKey ?? null,
      readAt: isoOrNull(row.readAt),
      createdAt: iso(row.at),
      deliveredAt: iso(row.at),
    });
  }

  write(spec: IssueSpec): IssueOutcome {
    const { city } = this;
    const { rng, now, units } = city;
    const { estate, category, created } = spec;
    const community = city.communities[estate.community] as CommunityInfo;
    const salt = spec.id;
    const respondBy = created + category.responseHours * HOUR;
    const o = replay(spec.steps, created + category.resolveHours * HOUR);
    const open = OPEN.has(o.state);
    const end = o.closedAt ?? o.rejectedAt ?? now;

    for (const s of spec.steps) {
      const actor =
        s.who === 'reporter'
          ? { id: spec.reporterId, role: 'resident' }
          : s.who === 'party'
            ? partyUser(city, estate, s.actingParty ?? 'community', salt)
            : s.who === 'system'
              ? { id: null, role: 'system' }
              : {
                  id:
                    s.who === 'convener'
                      ? (community.staff[0] as number)
                      : (community.staff[salt % community.staff.length] as number),
                  role: 'community',
                };
      this.event({
        id: this.nextEvent++,
        issueId: spec.id,
        actorId: actor.id,
        actorRole: actor.role,
        action: s.action,
        fromState: s.from,
        toState: s.to,
        party: s.party,
        note: s.note,
        meetingId: s.meetingId,
        proposalId: s.proposalId,
        createdAt: iso(s.at),
      });
    }

    let supportCount = 0;
    if (spec.supporters > 0 && o.state !== 'rejected') {
      const ids = rng
        .sample(estate.residents.length, spec.supporters + 1)
        .map((k) => estate.residents[k] as number)
        .filter((id) => id !== spec.reporterId)
        .slice(0, spec.supporters);
      for (const userId of ids) {
        this.support({ issueId: spec.id, userId, createdAt: iso(created + rng.next() * (end - created)) });
        supportCount += 1;
      }
    }

    const day = new Date(created).toISOString().slice(0, 10);
    for (let p = 0; p < spec.photos; p++) {
      this.attachment({
        id: this.nextAttachment++,
        storageKey: `${day}/${rng.hex(32)}`,
        mime: 'image/jpeg',
        sizeBytes: rng.int(150_000, 2_500_000),
        originalName: `IMG_${day.replaceAll('-', '')}_${String(rng.int(0, 999_999)).padStart(6, '0')}.jpg`,
        sha256: rng.hex(64),
        uploaderId: spec.reporterId,
        issueId: spec.id,
        createdAt: iso(created),
      });
    }

    for (let c = 0; c < spec.comments; c++) {
      const byStaff = o.assignedParty !== null && c % 2 === 1;
      this.comment({
        id: this.nextComment++,
        issueId: spec.id,
        authorId: byStaff ? partyUser(city, estate, o.assignedParty as string, salt).id : spec.reporterId,
        body: rng.pick(COMMENTS),
        createdAt: iso(created + rng.next() * (end - created)),
      });
    }

    // The overdue job's claim: an open issue past a deadline was told to the community once, soon after.
    let overdueNotifiedAt: number | null = null;
    const late = o.state === 'submitted' && respondBy < now ? respondBy : open && o.resolveBy < now ? o.resolveBy : null;
    if (late !== null) {
      overdueNotifiedAt = Math.min(now, late + rng.between(0.05, 1) * MINUTE);
      this.notify({
        userId: community.staff[0] as number,
        kind: 'issue_overdue',
        params: { id: spec.id, title: spec.title, deadline: o.state === 'submitted' && respondBy < now ? 'respond' : 'resolve' },
        link: `/issues/${spec.id}`,
        issueId: spec.id,
        dedupeKey: `issue_overdue:${spec.id}:${new Date(late).toISOString()}`,
        at: overdueNotifiedAt,
        readAt: null,
      });
    } else if (!open && o.resolvedAt !== null && o.resolvedAt > o.resolveBy) {
      overdueNotifiedAt = o.resolveBy + 5 * MINUTE;
    }

    // The reporter's latest news: the last change someone else made.
    const news = [...spec.steps].reverse().find((s) => s.who !== 'reporter' && s.from !== s.to && s.action !== 'submit');
    if (news) {
      const readAt = news.at < now - 3 * DAY ? (rng.chance(0.92) ? news.at : null) : rng.chance(0.4) ? news.at : null;
      this.notify({
        userId: spec.reporterId,
        kind: 'issue_state_changed',
        params: { id: spec.id, title: spec.title, state: news.to },
        link: `/issues/${spec.id}`,
        issueId: spec.id,
        at: news.at,
        readAt: readAt === null ? null : Math.min(now, readAt + rng.between(5 * MINUTE, 2 * DAY)),
      });
    }

    const u = spec.reporterUnit;
    this.issue({
      id: spec.id,
      estateId: estate.id,
      communityId: estate.community + 1,
      buildingId: spec.locationType === 'estate' ? null : (units.building[u] as number) + 1,
      unitId: spec.locationType === 'unit' ? u + 1 : null,
      locationType: spec.locationType,
      isPublic: spec.locationType === 'unit' ? 0 : 1,
      categoryId: category.id,
      emergency: category.emergency ? 1 : 0,
      title: spec.title,
      description: spec.description,
      reporterId: spec.reporterId,
      submissionKey: `city-${spec.id}`,
      state: o.state,
      assignedParty: o.assignedParty,
      respondBy: iso(respondBy),
      resolveBy: iso(o.resolveBy),
      acceptedAt: isoOrNull(o.acceptedAt),
      startedAt: isoOrNull(o.startedAt),
      resolvedAt: isoOrNull(o.resolvedAt),
      closedAt: isoOrNull(o.closedAt),
      rejectedAt: isoOrNull(o.rejectedAt),
      rejectReason: o.rejectReason,
      reopenCount: o.reopenCount,
      supportCount,
      attachmentCount: spec.photos,
      handoffCount: o.handoffCount,
      rating: o.rating,
      ratingComment: o.ratingComment,
      ratedAt: isoOrNull(o.ratedAt),
      approvedAmountFen: o.approvedAmountFen,
      overdueNotifiedAt: isoOrNull(overdueNotifiedAt),
      version: o.version,
      createdAt: iso(created),
      updatedAt: iso(o.updatedAt),
    });
    return o;
  }
}
