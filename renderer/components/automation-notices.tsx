// The notification area in the corner of every page: what the automations decided while nobody
// watched their page (a candidate promoted or rejected, an automation failed, a candidate waiting
// for approval), each linking to its firing in the audit trail, until dismissed.
import type { AutomationNotice } from '../../shared/automation-models';
import { routeHref } from '../models/routes';
import { useAppStore } from '../use-app-store';

const TONES: Record<AutomationNotice['outcome'], string> = {
  promoted: 'success',
  rejected: 'warning',
  failed: 'danger',
  'waiting-approval': 'running',
};

/** The automations' notices, newest first. */
export function AutomationNotices() {
  const notices = useAppStore((state) => state.automationNotices);
  if (notices.length === 0) return null;
  return (
    <section className="notice-area" aria-label="Notifications" aria-live="polite" data-testid="notice-area">
      {notices.map((notice) => (
        <div key={notice.firingId} className={`notice tone-${TONES[notice.outcome]}`} role="status" data-testid="notice" data-outcome={notice.outcome}>
          <div className="notice-text">
            <strong className="notice-title">{notice.title}</strong>
            {notice.body && <span className="notice-body">{notice.body}</span>}
            <a
              href={routeHref({ name: 'automations', firingId: notice.firingId })}
              data-testid="notice-link"
              onClick={() => useAppStore.getState().dismissAutomationNotice(notice.firingId)}
            >
              {notice.outcome === 'waiting-approval' ? 'Review it' : 'See why'}
            </a>
          </div>
          <button
            type="button"
            className="ghost small notice-dismiss"
            aria-label={`Dismiss: ${notice.title}`}
            data-testid="notice-dismiss"
            onClick={() => useAppStore.getState().dismissAutomationNotice(notice.firingId)}
          >
            ✕
          </button>
        </div>
      ))}
    </section>
  );
}
