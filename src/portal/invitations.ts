import { api, type Partnership } from './api';
import type { Portal } from './context';

/**
 * A partner's open invitations from brands, each with Accept and Decline (docs/partners.md,
 * Partnerships). Built with DOM calls and textContent only: brand names are others' text.
 */
export class Invitations {
  constructor(
    private readonly portal: Portal,
    private readonly section: HTMLElement,
    private readonly list: HTMLUListElement,
  ) {}

  async load(): Promise<void> {
    try {
      const page = await api.invitations();
      this.list.replaceChildren(...page.results.map((p) => this.item(p)));
      this.section.hidden = page.results.length === 0;
    } catch (err) {
      this.portal.explain(err);
    }
  }

  clear(): void {
    this.list.replaceChildren();
    this.section.hidden = true;
  }

  private item(p: Partnership): HTMLLIElement {
    const li = document.createElement('li');
    li.className = 'invitation';
    const text = document.createElement('span');
    text.textContent = `${p.brand?.name ?? 'A brand'} invites you to print its secure workorders.`;
    li.append(text, this.button(p, 'accept', 'Accept'), this.button(p, 'decline', 'Decline'));
    return li;
  }

  private button(p: Partnership, answer: 'accept' | 'decline', label: string): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = answer === 'accept' ? 'button button-primary' : 'button';
    button.textContent = label;
    button.setAttribute('aria-label', `${label} the invitation of ${p.brand?.name ?? 'the brand'}`);
    button.addEventListener('click', () => void this.answer(p, answer));
    return button;
  }

  private async answer(p: Partnership, answer: 'accept' | 'decline'): Promise<void> {
    try {
      await api.answerInvitation(p.id, answer);
      this.portal.announce(
        answer === 'accept'
          ? `You are now a partner of ${p.brand?.name ?? 'the brand'}.`
          : `Invitation of ${p.brand?.name ?? 'the brand'} declined.`,
      );
      await this.load();
    } catch (err) {
      this.portal.explain(err);
    }
  }
}
