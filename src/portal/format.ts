/** Words for the API's codes and the small DOM helper the views are built with. */
import type { Workorder } from './api';

export const STATE_LABELS: Record<string, string> = {
  new: 'New',
  'ready to print': 'Ready to print',
  printed: 'Printed',
  completed: 'Completed',
  canceled: 'Canceled',
};

export const CODEGEN = { waiting: 1, completed: 4, failed: 5, generating: 6 } as const;

export function codegenWords(w: Workorder): string {
  switch (w.codegen_status) {
    case CODEGEN.waiting:
      return w.type === 'SSC' && w.state === 'new' && !w.equipment
        ? 'Waiting for printer confirmation'
        : 'Not started';
    case CODEGEN.generating:
      return 'Generating codes';
    case CODEGEN.completed:
      return 'Codes generated';
    case CODEGEN.failed:
      return 'Code generation failed';
    default:
      return `Status ${w.codegen_status}`;
  }
}

export const LAYOUT_LABELS: Record<string, string> = {
  qr: 'QR code',
  'sg-inside': 'QR with the secure graphic inside',
  'sg-outside': 'QR with the secure graphic beside it',
};

export const TYPE_LABELS: Record<string, string> = {
  SSC: 'Secure code (SSC)',
  SID: 'Serialized QR (SID)',
};

const integer = new Intl.NumberFormat('en');
export const count = (n: number): string => integer.format(n);

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function day(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const d = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : dateOnly.format(d);
}

export function describeFailure(failure: unknown): string {
  if (!failure) return '';
  if (typeof failure === 'string') return failure;
  if (typeof failure === 'object' && 'message' in failure)
    return String((failure as { message: unknown }).message);
  return JSON.stringify(failure);
}

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** `h('p', {class: 'hint'}, 'text')`: attributes as strings, `true` as a bare attribute, falsy skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}
