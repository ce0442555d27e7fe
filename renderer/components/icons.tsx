// Small line icons drawn in SVG, so they look the same whatever fonts the system has.
import type { ReactNode } from 'react';

function Icon({ children, size = 14 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      focusable="false"
      className="icon"
    >
      {children}
    </svg>
  );
}

/** Two overlapping sheets: copy. */
export function CopyIcon() {
  return (
    <Icon>
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 5.5V3.8A1.3 1.3 0 0 0 9.2 2.5H3.8A1.3 1.3 0 0 0 2.5 3.8v5.4a1.3 1.3 0 0 0 1.3 1.3h1.7" />
    </Icon>
  );
}

/** A tick: done. */
export function CheckIcon() {
  return (
    <Icon>
      <path d="M3 8.5l3.2 3L13 4.5" />
    </Icon>
  );
}

/** A magnifying glass: search. */
export function SearchIcon() {
  return (
    <Icon>
      <circle cx="7" cy="7" r="4.5" />
      <path d="M10.5 10.5L14 14" />
    </Icon>
  );
}

/** A sun: the light theme. */
export function SunIcon() {
  return (
    <Icon>
      <circle cx="8" cy="8" r="3" />
      <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" />
    </Icon>
  );
}

/** A moon: the dark theme. */
export function MoonIcon() {
  return (
    <Icon>
      <path d="M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7z" />
    </Icon>
  );
}

/** A half-filled circle: follow the system's theme. */
export function AutoThemeIcon() {
  return (
    <Icon>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 2.5v11a5.5 5.5 0 0 0 0-11z" fill="currentColor" />
    </Icon>
  );
}

/** A chevron pointing right (collapsed) or down (expanded). */
export function ChevronIcon({ expanded }: { expanded: boolean }) {
  return (
    <Icon size={12}>
      <path d={expanded ? 'M4 6l4 4 4-4' : 'M6 4l4 4-4 4'} />
    </Icon>
  );
}

/** An arrow pointing left: back. */
export function ArrowLeftIcon() {
  return (
    <Icon>
      <path d="M13 8H3.5M7.5 4L3.5 8l4 4" />
    </Icon>
  );
}

/** An arrow leaving a box: open elsewhere. */
export function ExternalIcon() {
  return (
    <Icon size={12}>
      <path d="M9.5 2.5h4v4M13.5 2.5L7.5 8.5M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
    </Icon>
  );
}
