// The theme switch: follow the OS, light, or dark; the choice is remembered.
import type { ReactElement } from 'react';
import { useAppStore } from '../use-app-store';
import type { ThemeChoice } from '../stores/ui-slice';
import { AutoThemeIcon, MoonIcon, SunIcon } from './icons';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Auto', light: 'Light', dark: 'Dark' };
const ICON: Record<ThemeChoice, () => ReactElement> = { system: AutoThemeIcon, light: SunIcon, dark: MoonIcon };

/** Cycles the theme: Auto (the OS's) → Light → Dark. */
export function ThemeToggle() {
  const theme = useAppStore((state) => state.theme);
  const setTheme = useAppStore((state) => state.setTheme);
  const Icon = ICON[theme];
  return (
    <button
      type="button"
      className="ghost small theme-toggle"
      data-testid="theme-toggle"
      data-theme-choice={theme}
      title={`Theme: ${LABEL[theme]}${theme === 'system' ? ' (follows the system)' : ''}. Click for ${LABEL[NEXT[theme]]}.`}
      onClick={() => setTheme(NEXT[theme])}
    >
      <Icon />
      {LABEL[theme]}
    </button>
  );
}
