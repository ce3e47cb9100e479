export { EventLogFollower, watchGoalEvents, type WatchEnd, type WatchGoalOptions } from './follow.js';
export { fitStatusLine, WATCH_END_STATUSES, watchedStatus, watchStatusLine } from './status-line.js';
