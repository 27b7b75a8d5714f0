import type { Catalogue } from '../types.ts';

// Reminders (issue #12, item 7): the warning before a deadline, the resident's chase, and the issues the
// scheduler puts before the next joint meeting.
export const messages: Catalogue = {
  'zh-CN': {
    'action.chase': '催办',
    'issues.done.chase': '已催办，责任方和社区已收到提醒。',
    'reminders.chase.title': '催办',
    'reminders.chase.count': '已催办 {n} 次',
    'reminders.chase.last': '最近一次：{at}',
    'reminders.chase.hint': '已超过办理时限仍未办结，可以催促责任方和社区尽快处理，每天可催办一次。',
    'reminders.chase.button': '催办',
    'reminders.chase.refused.chased_today': '今天已经催办过，明天可再次催办。',
    'reminders.chase.refused.not_overdue': '还没有超过办理时限，超过后才能催办。',
    'reminders.chase.refused.not_open': '这条诉求已不在办理中，不能催办。',
    'reminders.chase.notReporter': '只有反映人本人可以催办。',
    'reminders.agenda.source.overdue': '逾期督办',
    'reminders.agenda.source.bouncing': '多次转办',
    'reminders.agenda.notAwaiting': '自动列入督办：会上可督促责任方；如需会议分派、驳回或表决，请先将诉求提请联席会议。',
    'notifications.kind.issue_deadline_warning': '诉求 #{id}「{title}」将于 {at} 到达{deadline}，请抓紧办理',
    'notifications.kind.issue_chased': '居民催办诉求 #{id}「{title}」（第 {n} 次）',
    'notifications.kind.meeting_agenda_proposed': '{n} 项逾期或多次转办的诉求已自动列入联席会议“{title}”的议程',
  },
  en: {
    'action.chase': 'Chased',
    'issues.done.chase': 'Chased: the responsible party and the community have been reminded.',
    'reminders.chase.title': 'Chase',
    'reminders.chase.count': 'Chased {n} times',
    'reminders.chase.last': 'last: {at}',
    'reminders.chase.hint':
      'The deadline has passed and the issue is not resolved: you can press the responsible party and the community, once a day.',
    'reminders.chase.button': 'Chase',
    'reminders.chase.refused.chased_today': 'You have already chased today; you can chase again tomorrow.',
    'reminders.chase.refused.not_overdue': 'The deadline has not passed yet; you can chase once it has.',
    'reminders.chase.refused.not_open': 'This issue is no longer being handled, so it cannot be chased.',
    'reminders.chase.notReporter': 'Only the resident who reported the issue can chase it.',
    'reminders.agenda.source.overdue': 'Long overdue',
    'reminders.agenda.source.bouncing': 'Handed off repeatedly',
    'reminders.agenda.notAwaiting':
      'Added for supervision: the meeting can press the responsible party; to assign, reject or put it to a vote, escalate the issue to the joint meeting first.',
    'notifications.kind.issue_deadline_warning': 'Issue #{id} “{title}” reaches its {deadline} at {at}',
    'notifications.kind.issue_chased': 'A resident chased issue #{id} “{title}” (time {n})',
    'notifications.kind.meeting_agenda_proposed':
      '{n} long-overdue or repeatedly handed-off issues were added to the agenda of the joint meeting “{title}”',
  },
};
