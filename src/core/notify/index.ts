/** Notifications (docs/notify.md), the pure half: triggers folded from a goal's events, payloads, settings. */
export { foldNotifyEvent, initialNotifyState, nextApprovalDue, takeDueApprovals, takeNotifications, type NotifyFoldState, type WaitingApproval } from './fold.js';
export { desktopCommand, desktopText, discordBody, renderBody, slackBody, type HttpBody } from './formats.js';
export { headlineFor, nextCommandFor, titleOf, triggerForStatus, type Notification } from './notification.js';
export { notifySettings, retryDelayMs, urlOrigin, NOTIFY_DEFAULTS, type NotifySettings, type NotifyTarget } from './settings.js';
