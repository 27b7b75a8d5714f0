import { describe, expect, it } from 'vitest';
import { notificationHref } from '../../src/modules/notifications/service.ts';

describe('where a notification leads', () => {
  it.each([
    [{ link: '/issues/3', issueId: 3, meetingId: null, proposalId: null }, '/issues/3'],
    [{ link: '', issueId: 7, meetingId: null, proposalId: null }, '/issues/7'],
    [{ link: '', issueId: null, meetingId: 4, proposalId: null }, '/meetings/4'],
    [{ link: '', issueId: null, meetingId: null, proposalId: 9 }, '/votes/9'],
    [{ link: '/votes/9/ballot', issueId: null, meetingId: null, proposalId: 9 }, '/votes/9/ballot'],
    [{ link: '//evil.example/x', issueId: 2, meetingId: null, proposalId: null }, '/issues/2'],
    [{ link: '/\\evil.example', issueId: null, meetingId: 4, proposalId: null }, '/meetings/4'],
    [{ link: 'https://evil.example', issueId: null, meetingId: null, proposalId: null }, '/notifications'],
  ])('%o leads to %s', (n, href) => {
    expect(notificationHref(n)).toBe(href);
  });
});
