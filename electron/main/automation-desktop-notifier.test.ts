// The desktop notifier with a stand-in for Electron's Notification (the binary is not on these
// machines): each notice of an automations change becomes one shown notification whose click
// shows the firing; other events, and desktops without notifications, show nothing.
import { expect, it } from 'vitest';
import type { AutomationNotice } from '../../shared/automation-models';
import { automationDesktopNotifier, type DesktopNotification } from './automation-desktop-notifier';

const notice: AutomationNotice = {
  firingId: 7,
  projectDir: '/p',
  automation: 'retrain',
  outcome: 'rejected',
  title: 'retrain rejected the candidate',
  body: 'the candidate failed the gate',
  at: 1,
};

function standIn() {
  const shown: Array<{ title: string; body: string; click: () => void }> = [];
  const clicked: AutomationNotice[] = [];
  const create = (options: { title: string; body: string }): DesktopNotification => {
    const entry = { ...options, click: () => {} };
    return {
      on: (_event, listener) => {
        entry.click = listener;
      },
      show: () => shown.push(entry),
    };
  };
  return { shown, clicked, create, showFiring: (item: AutomationNotice) => clicked.push(item) };
}

it('shows each notice once, and a click shows its firing', () => {
  const parts = standIn();
  const notify = automationDesktopNotifier({ supported: true, ...parts });
  notify('automations.changed', { firings: [], settings: false, notices: [notice] });
  notify('automations.changed', { firings: [{ id: 8, projectDir: '/p', automation: 'retrain', outcome: 'running' }], settings: false, notices: [] });
  notify('data.changed', { datasetIds: ['d'] });
  expect(parts.shown.map(({ title, body }) => ({ title, body }))).toEqual([{ title: 'Cairn: retrain rejected the candidate', body: 'the candidate failed the gate' }]);
  parts.shown[0]!.click();
  expect(parts.clicked).toEqual([notice]);
});

it('shows nothing where the desktop has no notifications', () => {
  const parts = standIn();
  automationDesktopNotifier({ supported: false, ...parts })('automations.changed', { firings: [], settings: false, notices: [notice] });
  expect(parts.shown).toEqual([]);
});
