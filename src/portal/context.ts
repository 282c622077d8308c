import type { Equipment } from './api';

export interface ConfirmQuestion {
  title: string;
  summary: string;
  warning: string;
  confirmLabel: string;
}

/** What the views need from the running portal: the viewer, messages, dialogs, shared look-ups. */
export interface Portal {
  readonly isPartner: boolean;
  /** A polite status message for everyone, screen readers included. */
  announce(message: string): void;
  /** Shows a refusal or a network failure; signs out on 401. Returns the message shown. */
  explain(err: unknown): string;
  equipment(): Promise<Equipment[]>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
  askCancelReason(summary: string): Promise<string | null>;
  /** Keeps polling a workorder while its codes are being generated. */
  watch(id: number): void;
}

/** A message box that stays put while the view under it changes. */
export class Banner {
  constructor(readonly element: HTMLElement) {
    element.hidden = true;
  }

  show(message: string, tone: 'error' | 'info' = 'error'): void {
    this.element.textContent = message;
    this.element.classList.toggle('banner-error', tone === 'error');
    this.element.classList.toggle('banner-info', tone === 'info');
    this.element.hidden = false;
  }

  clear(): void {
    this.element.textContent = '';
    this.element.hidden = true;
  }
}
