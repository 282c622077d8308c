/** The partner portal: sign in with a UAT token, list workorders, confirm, follow, download, mark printed. */
import {
  api,
  ApiRefusal,
  session,
  type Equipment,
  type Me,
  type Workorder,
  type WorkorderQuery,
} from './api';
import { BrandPortal } from './brand-portal';
import { WorkorderCard } from './card';
import { Banner, type ConfirmQuestion, type Portal } from './context';
import { CODEGEN, count } from './format';
import { Invitations } from './invitations';
import { Setup } from './setup';

const PAGE_SIZE = 20;

/** Generating, or a new SID workorder whose generation starts by itself in a moment. */
const inMotion = (w: Workorder) =>
  w.codegen_status === CODEGEN.generating ||
  (w.type === 'SID' && w.state === 'new' && w.codegen_status === CODEGEN.waiting && !w.is_archived);
const POLL_MS = 1500;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

class PortalApp implements Portal {
  private me: Me | null = null;
  private readonly cards = new Map<number, WorkorderCard>();
  private readonly expanded = new Set<number>();
  private readonly watched = new Set<number>();
  private pollTimer: number | undefined;
  private equipmentList: Promise<Equipment[]> | null = null;
  private offset = 0;
  private listRequest = 0;

  private readonly status = byId<HTMLElement>('status');
  private readonly pageBanner = new Banner(byId('page-banner'));
  private readonly signInView = byId<HTMLElement>('sign-in-view');
  private readonly signInForm = byId<HTMLFormElement>('sign-in-form');
  private readonly tokenInput = byId<HTMLInputElement>('token');
  private readonly tokenError = byId<HTMLElement>('token-error');
  private readonly listView = byId<HTMLElement>('workorders-view');
  private readonly list = byId<HTMLUListElement>('workorders');
  private readonly listCount = byId<HTMLElement>('list-count');
  private readonly loadMore = byId<HTMLButtonElement>('load-more');
  private readonly stateFilter = byId<HTMLSelectElement>('filter-state');
  private readonly archivedFilter = byId<HTMLSelectElement>('filter-archived');
  private readonly account = byId<HTMLElement>('account');
  private brand: BrandPortal | null = null;
  private readonly invitations = new Invitations(this, byId('invitations-view'), byId('invitations'));
  private readonly setupView = byId<HTMLElement>('setup-view');
  private readonly views = byId<HTMLElement>('views');
  private readonly setup = new Setup(this, byId('setup'), () => (this.equipmentList = null));
  private onSetup = false;

  get isPartner(): boolean {
    return this.me?.company.company_type === 'printing_partner';
  }

  /** A partner whose token may manage presses, substrates and calibrations. */
  get canSetUp(): boolean {
    return this.isPartner && (this.me?.permissions.includes('printing_setup') ?? false);
  }

  start(): void {
    this.signInForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signIn();
    });
    byId('sign-out').addEventListener('click', () => this.signOut('You are signed out.'));
    byId('refresh').addEventListener('click', () => void this.loadList(true));
    this.stateFilter.addEventListener('change', () => void this.loadList(true));
    this.archivedFilter.addEventListener('change', () => void this.loadList(true));
    this.loadMore.addEventListener('click', () => void this.loadList(false));
    window.addEventListener('hashchange', () => this.route(true));
    const token = session.token();
    if (token) void this.resume(token);
    else this.showSignIn();
  }

  announce(message: string): void {
    // Cleared first so the same message twice is still announced.
    this.status.textContent = '';
    window.setTimeout(() => (this.status.textContent = message), 50);
  }

  explain(err: unknown): string {
    if (err instanceof ApiRefusal && err.status === 401) {
      this.signOut('Your session has ended or the token is no longer valid. Sign in again.');
      return err.message;
    }
    return err instanceof Error ? err.message : String(err);
  }

  equipment(): Promise<Equipment[]> {
    this.equipmentList ??= api.equipment().then(
      (page) => page.results,
      (err: unknown) => {
        this.equipmentList = null;
        throw err;
      },
    );
    return this.equipmentList;
  }

  confirm(question: ConfirmQuestion): Promise<boolean> {
    const dialog = byId<HTMLDialogElement>('confirm-dialog');
    byId('confirm-title').textContent = question.title;
    byId('confirm-summary').textContent = question.summary;
    byId('confirm-warning').textContent = question.warning;
    byId('confirm-ok').textContent = question.confirmLabel;
    return this.ask(dialog).then((value) => value === 'confirm');
  }

  async askCancelReason(summary: string): Promise<string | null> {
    const dialog = byId<HTMLDialogElement>('cancel-dialog');
    const reason = byId<HTMLTextAreaElement>('cancel-reason');
    byId('cancel-summary').textContent = summary;
    reason.value = '';
    const value = await this.ask(dialog);
    return value === 'cancel' ? reason.value.trim() : null;
  }

  private ask(dialog: HTMLDialogElement): Promise<string> {
    return new Promise((resolve) => {
      dialog.returnValue = '';
      dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
      dialog.showModal();
    });
  }

  watch(id: number): void {
    this.watched.add(id);
    this.pollTimer ??= window.setTimeout(() => void this.poll(), POLL_MS);
  }

  /** One detail request per generating workorder every POLL_MS, until none is generating. */
  private async poll(): Promise<void> {
    for (const id of [...this.watched]) {
      const card = this.cards.get(id);
      if (!card || !this.me) {
        this.watched.delete(id);
        continue;
      }
      try {
        const fresh = await api.workorder(id);
        if (!inMotion(fresh)) this.watched.delete(id);
        card.update(fresh);
      } catch (err) {
        if (err instanceof ApiRefusal && (err.status === 401 || err.status === 404)) {
          this.watched.delete(id);
          card.banner.show(this.explain(err));
        }
        // Anything else (a blip, a 503) is retried on the next tick.
      }
    }
    this.pollTimer = undefined;
    if (this.watched.size > 0 && this.me) this.pollTimer = window.setTimeout(() => void this.poll(), POLL_MS);
  }

  private showSignIn(message?: string): void {
    this.listView.hidden = true;
    this.setupView.hidden = true;
    this.views.hidden = true;
    this.account.hidden = true;
    this.signInView.hidden = false;
    this.tokenInput.value = '';
    if (message) this.announce(message);
    this.tokenInput.focus();
  }

  private async signIn(): Promise<void> {
    const token = this.tokenInput.value.trim().replace(/^UAT\s+/i, '');
    this.tokenError.textContent = '';
    this.tokenInput.removeAttribute('aria-invalid');
    if (!token) {
      this.tokenFailed('Enter your access token.');
      return;
    }
    try {
      this.me = await api.me(token);
    } catch (err) {
      this.tokenFailed(
        err instanceof ApiRefusal && err.status === 401
          ? 'This token is not valid or has expired.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
      return;
    }
    session.save(token);
    this.enter();
  }

  private tokenFailed(message: string): void {
    this.tokenError.textContent = message;
    this.tokenInput.setAttribute('aria-invalid', 'true');
    this.tokenInput.focus();
  }

  private async resume(token: string): Promise<void> {
    try {
      this.me = await api.me(token);
      this.enter();
    } catch (err) {
      if (err instanceof ApiRefusal && err.status === 401)
        this.signOut('Your session has ended. Sign in again.');
      else {
        this.showSignIn();
        this.pageBanner.show(err instanceof Error ? err.message : String(err));
      }
    }
  }

  private enter(): void {
    if (!this.me) return;
    this.pageBanner.clear();
    this.signInView.hidden = true;
    this.account.hidden = false;
    this.views.hidden = !this.canSetUp;
    const role = this.isPartner ? 'printing partner' : 'brand owner';
    byId('account-name').textContent = `${this.me.company.name} (${role})`;
    this.announce(`Signed in as ${this.me.company.name}.`);
    this.route(false);
    if (this.isPartner && this.me.permissions.includes('partnership_view')) void this.invitations.load();
    if (!this.isPartner)
      this.brand = new BrandPortal(
        this,
        this.me,
        byId('brand-order'),
        byId('brand-products'),
        () => void this.loadList(true),
      );
  }

  /** `#setup` shows the partner's presses, substrates and calibrations; anything else the workorders. */
  private route(moved: boolean): void {
    if (!this.me) return;
    const setup = this.canSetUp && window.location.hash === '#setup';
    this.listView.hidden = setup;
    this.setupView.hidden = !setup;
    for (const [link, on] of [
      ['nav-workorders', !setup],
      ['nav-setup', setup],
    ] as const) {
      if (on) byId(link).setAttribute('aria-current', 'page');
      else byId(link).removeAttribute('aria-current');
    }
    if (setup) {
      void this.setup.load();
      byId('setup-heading').focus();
    } else {
      // Back from the set-up, the confirm forms are rebuilt with the presses as they are now.
      if (!moved || this.onSetup) void this.loadList(true);
      byId('workorders-heading').focus();
    }
    this.onSetup = setup;
  }

  private signOut(message: string): void {
    session.clear();
    this.me = null;
    this.equipmentList = null;
    this.watched.clear();
    window.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.cards.clear();
    this.expanded.clear();
    this.list.replaceChildren();
    this.invitations.clear();
    this.brand?.clear();
    this.brand = null;
    this.showSignIn(message);
  }

  private query(): WorkorderQuery {
    const q: WorkorderQuery = {
      limit: PAGE_SIZE,
      offset: this.offset,
      ordering: '-creation_date',
      is_archived: this.archivedFilter.value,
    };
    if (this.stateFilter.value) q.state = this.stateFilter.value as WorkorderQuery['state'];
    return q;
  }

  /** `fresh` starts from the newest; otherwise the next page is appended. */
  private async loadList(fresh: boolean): Promise<void> {
    const request = ++this.listRequest;
    if (fresh) this.offset = 0;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const page = await api.workorders(this.query());
      if (request !== this.listRequest) return;
      this.pageBanner.clear();
      if (fresh) {
        this.cards.clear();
        this.list.replaceChildren();
      }
      for (const w of page.results) this.add(w);
      this.offset += page.results.length;
      this.loadMore.hidden = page.next === null;
      this.listCount.textContent =
        page.count === 0
          ? 'No workorders match these filters.'
          : `Showing ${count(this.cards.size)} of ${count(page.count)} workorders.`;
    } catch (err) {
      if (request === this.listRequest) this.pageBanner.show(this.explain(err));
    } finally {
      if (request === this.listRequest) this.list.removeAttribute('aria-busy');
    }
  }

  private add(w: Workorder): void {
    if (this.cards.has(w.id)) return;
    const card = new WorkorderCard(w, this, this.expanded.has(w.id), (id, open) => {
      if (open) this.expanded.add(id);
      else this.expanded.delete(id);
    });
    this.cards.set(w.id, card);
    this.list.append(card.element);
    if (inMotion(w)) this.watch(w.id);
  }
}

new PortalApp().start();
