// The desktop's own notifications for the automations' notices (a candidate promoted or rejected,
// an automation failed, a candidate waiting for approval), so that a person hears of them with
// Cairn's window in the background. Electron-free: the shell hands in Electron's Notification and
// how to show a firing, so that a unit test can drive it with a stand-in.
import type { AutomationNotice } from '../../shared/automation-models';
import type { EventName, Events } from '../../shared/contract';

/** What it needs of Electron's Notification. */
export interface DesktopNotification {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

/** How the shell makes notifications and shows a firing in the window. */
export interface DesktopNotifierParts {
  /** Whether the desktop can show notifications at all (Electron's Notification.isSupported()). */
  readonly supported: boolean;
  readonly create: (options: { title: string; body: string }) => DesktopNotification;
  /** Brings the window forward on the firing's record in the audit trail. */
  readonly showFiring: (notice: AutomationNotice) => void;
}

/** Returns the listener of pushed events that shows each notice as a desktop notification. */
export function automationDesktopNotifier(parts: DesktopNotifierParts): (name: EventName, payload: Events[EventName]) => void {
  return (name, payload) => {
    if (name !== 'automations.changed' || !parts.supported) return;
    for (const notice of (payload as Events['automations.changed']).notices) {
      const notification = parts.create({ title: `Cairn: ${notice.title}`, body: notice.body });
      notification.on('click', () => parts.showFiring(notice));
      notification.show();
    }
  };
}
