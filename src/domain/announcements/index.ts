/** R003-3 / R003-4: extended hours and suspensions of the service announced in the console. */
export { AnnouncementBoard, type PostedAnnouncement } from './announcement-board.ts';
