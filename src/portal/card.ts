/** One workorder in the list: summary, live progress, details on demand, and what can be done next. */
import { api, downloadGenerator, downloadSerialNumbers, type Workorder } from './api';
import { ConfirmForm } from './confirm';
import { Banner, type Portal } from './context';
import {
  CODEGEN,
  codegenWords,
  count,
  day,
  describeFailure,
  h,
  LAYOUT_LABELS,
  STATE_LABELS,
  TYPE_LABELS,
  when,
} from './format';

/** Signed links live 24 hours; a view older than this asks for a fresh one before downloading. */
const LINK_REFRESH_MS = 30 * 60 * 1000;

const awaitsConfirmation = (w: Workorder) =>
  w.type === 'SSC' &&
  w.state === 'new' &&
  w.codegen_status === CODEGEN.waiting &&
  !w.equipment &&
  !w.is_archived;
const cancelable = (w: Workorder) => !w.is_archived && (w.state === 'new' || w.state === 'ready to print');
const archivable = (w: Workorder) => !w.is_archived && (w.state === 'completed' || w.state === 'canceled');
const downloadable = (w: Workorder) =>
  w.codegen_status === CODEGEN.completed && w.state !== 'canceled' && w.codegen_file !== null;

export class WorkorderCard {
  readonly element: HTMLLIElement;
  private w: Workorder;
  private fetchedAt = Date.now();
  private phase = '';
  private readonly base: string;
  private readonly title: HTMLHeadingElement;
  private readonly meta: HTMLElement;
  private readonly tools: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly codegen: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly details: HTMLElement;
  private readonly facts: HTMLDListElement;
  private readonly actions: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  readonly banner: Banner;
  private confirmForm?: ConfirmForm;

  constructor(
    workorder: Workorder,
    private readonly portal: Portal,
    expanded: boolean,
    private readonly onExpandedChange: (id: number, expanded: boolean) => void,
  ) {
    this.w = workorder;
    this.base = `wo-${workorder.id}`;
    this.title = h('h3', { id: `${this.base}-title`, tabindex: -1 });
    this.meta = h('p', { class: 'card-meta' });
    this.tools = h('div', { class: 'card-tools' });
    this.badge = h('span', { class: 'badge' });
    this.codegen = h('span', { class: 'codegen' });
    this.progressText = h('span', { class: 'progress-text', id: `${this.base}-progress` });
    this.progress = h('progress', { 'aria-labelledby': `${this.base}-progress` });
    this.facts = h('dl', { class: 'facts' });
    this.banner = new Banner(h('div', { class: 'banner', role: 'alert' }));
    this.actions = h('div', { class: 'actions' });
    this.details = h(
      'div',
      {
        class: 'details',
        id: `${this.base}-details`,
        role: 'region',
        'aria-labelledby': `${this.base}-title`,
      },
      h('h4', { class: 'visually-hidden' }, 'Details'),
      this.facts,
      this.banner.element,
      this.actions,
    );
    this.toggle = h(
      'button',
      { type: 'button', class: 'toggle', 'aria-controls': this.details.id },
      h('span', { class: 'toggle-label' }),
      h('span', { class: 'chevron', 'aria-hidden': 'true' }),
    );
    this.toggle.addEventListener('click', () => this.setExpanded(this.details.hidden));

    this.element = h(
      'li',
      { class: 'card', id: this.base, 'data-workorder-id': workorder.id },
      h(
        'article',
        { 'aria-labelledby': this.title.id },
        h(
          'div',
          { class: 'card-head' },
          h('div', { class: 'card-title' }, this.title, this.meta),
          this.tools,
        ),
        h('div', { class: 'card-status' }, this.badge, this.codegen),
        h('div', { class: 'progress-area' }, this.progressText, this.progress),
        this.details,
        this.toggle,
      ),
    );
    this.setExpanded(expanded, false);
    this.render();
  }

  get id(): number {
    return this.w.id;
  }

  get workorder(): Workorder {
    return this.w;
  }

  update(workorder: Workorder): void {
    const before = this.w;
    this.w = workorder;
    this.fetchedAt = Date.now();
    this.render();
    if (before.codegen_status === CODEGEN.generating && workorder.codegen_status === CODEGEN.completed) {
      this.portal.announce(`The codes of ${workorder.reference} are generated and ready to download.`);
    } else if (before.codegen_status !== CODEGEN.failed && workorder.codegen_status === CODEGEN.failed) {
      this.portal.announce(`Code generation failed for ${workorder.reference}.`);
    }
    if (workorder.codegen_status === CODEGEN.generating) this.portal.watch(workorder.id);
  }

  setExpanded(expanded: boolean, notify = true): void {
    this.details.hidden = !expanded;
    this.toggle.setAttribute('aria-expanded', String(expanded));
    (this.toggle.firstElementChild as HTMLElement).textContent = expanded ? 'Hide details' : 'Show details';
    this.element.classList.toggle('is-expanded', expanded);
    if (notify) this.onExpandedChange(this.w.id, expanded);
  }

  private render(): void {
    const w = this.w;
    this.title.textContent = w.reference;
    const due = w.due_date ? ` · due ${day(w.due_date)}` : '';
    this.meta.textContent = `#${w.id} · ${w.company?.name ?? 'Unknown brand'} · ${count(w.quantity)} codes${due}`;
    this.badge.textContent = STATE_LABELS[w.state] ?? w.state;
    this.badge.className = `badge state-${w.state.replace(/\s+/g, '-')}`;
    this.codegen.replaceChildren(
      codegenWords(w),
      h('span', { class: 'muted' }, ` (codegen status ${w.codegen_status})`),
    );
    this.renderProgress();
    this.renderFacts();
    const phase = [w.state, w.codegen_status, w.equipment ? 1 : 0, w.is_archived, downloadable(w)].join('|');
    if (phase !== this.phase) {
      this.phase = phase;
      const hadFocus =
        this.element.contains(document.activeElement) && document.activeElement !== this.toggle;
      this.renderTools();
      this.renderActions();
      if (hadFocus && !this.element.contains(document.activeElement)) this.title.focus();
    }
  }

  private renderProgress(): void {
    const w = this.w;
    const done = Math.min(w.progress.codes_generated, w.quantity);
    this.progress.max = Math.max(w.quantity, 1);
    this.progress.value = done;
    const batches =
      w.progress.batches_total > 1
        ? ` · batch ${w.progress.batches_completed} of ${w.progress.batches_total}`
        : '';
    this.progressText.textContent = `${count(done)} of ${count(w.quantity)} codes generated${batches}`;
    this.element.classList.toggle('is-generating', w.codegen_status === CODEGEN.generating);
  }

  private renderFacts(): void {
    const w = this.w;
    const rows: Array<[string, string]> = [
      ['Reference', w.reference],
      ['Workorder', `#${w.id}`],
      ['Brand owner', w.company?.name ?? '—'],
      ['Brand', w.brand?.name ?? '—'],
      ['Product', w.product ? `${w.product.name} (SKU ${w.product.sku})` : '—'],
      ['Quantity', `${count(w.quantity)} codes`],
      ['Due date', day(w.due_date)],
      ['Remarks', w.remarks || '—'],
      ['Type', TYPE_LABELS[w.type] ?? w.type],
      ['Template', w.template === null ? '—' : `#${w.template}`],
      ['Code layout', LAYOUT_LABELS[w.code_layout] ?? w.code_layout],
      ['Serial numbers', w.use_serial_number ? 'Yes' : 'No'],
      ['URL prefix', w.url_prefix || '—'],
      ['Activate on completion', w.activate_on_complete ? 'Yes' : 'No'],
      ['Printing partner', w.printing_partner?.name ?? '—'],
      ['Created', when(w.creation_date)],
    ];
    if (w.is_static_print) rows.push(['Static print', `Yes, ${count(w.total_impressions ?? 0)} impressions`]);
    if (w.is_hybrid) rows.push(['Hybrid', 'Yes']);
    if (w.equipment) rows.push(['Equipment', `${w.equipment.name} (${count(w.equipment.dpi)} dpi)`]);
    if (w.substrate) rows.push(['Substrate', w.substrate.name]);
    if (w.external_id) rows.push(['External ID', w.external_id]);
    if (w.date_codes_completed) rows.push(['Codes generated', when(w.date_codes_completed)]);
    if (w.printed_date) rows.push(['Printed', when(w.printed_date)]);
    if (w.state === 'canceled') rows.push(['Cancel reason', w.cancel_reason || '—']);
    if (w.is_archived) rows.push(['Archived', 'Yes']);
    this.facts.replaceChildren(
      ...rows.map(([term, value]) => h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value))),
    );
  }

  private renderTools(): void {
    const w = this.w;
    const tools: HTMLElement[] = [];
    if (awaitsConfirmation(w) && this.portal.isPartner) {
      const open = h(
        'button',
        { type: 'button', class: 'button button-primary button-small', 'aria-describedby': this.title.id },
        'Generate Codes',
      );
      open.addEventListener('click', () => {
        this.setExpanded(true);
        this.confirmForm?.element.scrollIntoView({ block: 'nearest' });
        this.confirmForm?.focus();
      });
      tools.push(open);
    }
    if (downloadable(w)) {
      tools.push(this.zipLink('button button-small', 'Download', `Download codes of ${w.reference} (zip)`));
    }
    this.tools.replaceChildren(...tools);
  }

  /** `text` is what shows; `label`, when given, is a longer accessible name that starts with it. */
  private zipLink(className: string, text: string, label?: string): HTMLAnchorElement {
    const link = h(
      'a',
      {
        class: className,
        href: this.w.codegen_file ?? '#',
        download: `workorder-${this.w.id}.zip`,
        'aria-label': label,
      },
      h('span', { class: 'icon-download', 'aria-hidden': 'true' }),
      text,
    );
    link.addEventListener('click', (event) => {
      if (Date.now() - this.fetchedAt < LINK_REFRESH_MS) return;
      event.preventDefault();
      void this.refresh().then(() => {
        if (this.w.codegen_file) window.location.assign(this.w.codegen_file);
      });
    });
    return link;
  }

  async refresh(): Promise<void> {
    try {
      this.update(await api.workorder(this.w.id));
    } catch (err) {
      this.banner.show(this.portal.explain(err));
    }
  }

  private renderActions(): void {
    const w = this.w;
    const parts: HTMLElement[] = [];
    this.confirmForm = undefined;
    if (w.is_archived) {
      parts.push(note('This workorder is archived.'));
    } else if (awaitsConfirmation(w)) {
      if (this.portal.isPartner) {
        this.confirmForm = new ConfirmForm(
          w,
          this.portal,
          this.banner,
          (updated) => {
            this.banner.clear();
            this.update(updated);
          },
          () => void this.refresh(),
        );
        parts.push(this.confirmForm.element);
      } else {
        parts.push(note('Waiting for the printing partner to confirm the printer and substrate.'));
      }
    } else if (w.codegen_status === CODEGEN.generating) {
      parts.push(note('The codes are being generated. This page updates by itself.'));
    } else if (w.codegen_status === CODEGEN.failed) {
      const why = describeFailure(w.failure);
      parts.push(note(`Code generation failed${why ? `: ${why}` : ''}. The operators have been told.`));
    }
    if (!w.is_archived && downloadable(w)) parts.push(this.downloads());
    if (!w.is_archived && w.state === 'ready to print' && this.portal.isPartner)
      parts.push(this.markPrinted());
    if (!w.is_archived && w.state === 'printed') {
      parts.push(note('Printed. The workorder is completed once quality control approves it.'));
    }
    if (w.state === 'canceled') parts.push(note('This workorder is canceled; its codes are void.'));
    if (cancelable(w)) parts.push(this.cancelButton());
    if (archivable(w)) parts.push(this.archiveButton());
    this.actions.replaceChildren(...parts);
  }

  private downloads(): HTMLElement {
    const w = this.w;
    const csv = h('button', { type: 'button', class: 'button' }, 'Download serial numbers (CSV)');
    csv.addEventListener('click', () => {
      csv.disabled = true;
      downloadSerialNumbers(w.id)
        .then((name) => this.portal.announce(`Saved ${name}.`))
        .catch((err: unknown) => this.banner.show(this.portal.explain(err)))
        .finally(() => (csv.disabled = false));
    });
    const generator = h('button', { type: 'button', class: 'button' }, 'Download the code generator');
    generator.addEventListener('click', () => {
      generator.disabled = true;
      downloadGenerator()
        .then((name) => this.portal.announce(`Saved ${name}.`))
        .catch((err: unknown) => this.banner.show(this.portal.explain(err)))
        .finally(() => (generator.disabled = false));
    });
    return h(
      'div',
      { class: 'action-group', role: 'group', 'aria-labelledby': `${this.base}-downloads` },
      h('h4', { id: `${this.base}-downloads` }, 'Downloads'),
      h(
        'p',
        { class: 'hint' },
        'The zip holds codes.csv, files.csv, manifest.json and the codes folder with one image per code ' +
          '(one sample above 100,000 codes). The code generator renders every code of the zip as PNG, SVG ' +
          `or PDF sheets with Node 20+: node workorder-generator.js workorder-${w.id}.zip --out codes/`,
      ),
      h(
        'div',
        { class: 'button-row' },
        this.zipLink('button button-primary', 'Download codes (zip)'),
        csv,
        generator,
      ),
    );
  }

  private markPrinted(): HTMLElement {
    const w = this.w;
    const button = h('button', { type: 'button', class: 'button button-primary' }, 'Mark printed');
    button.addEventListener('click', () => {
      void (async () => {
        const sure = await this.portal.confirm({
          title: 'Mark as printed?',
          summary: `${w.reference}: all ${count(w.quantity)} codes were printed.`,
          warning: 'This tells the brand the order is printed. It cannot be undone.',
          confirmLabel: 'Mark printed',
        });
        if (!sure) return;
        button.disabled = true;
        this.banner.clear();
        try {
          this.update(await api.printed(w.id));
          this.portal.announce(`${w.reference} is marked printed.`);
        } catch (err) {
          button.disabled = false;
          this.banner.show(this.portal.explain(err));
        }
      })();
    });
    return h(
      'div',
      { class: 'action-group' },
      h('h4', {}, 'Printing'),
      h('p', { class: 'hint' }, 'Once the whole order is printed, let the brand know.'),
      h('div', { class: 'button-row' }, button),
    );
  }

  private cancelButton(): HTMLElement {
    const w = this.w;
    const button = h('button', { type: 'button', class: 'button button-danger-quiet' }, 'Cancel workorder…');
    button.addEventListener('click', () => {
      void (async () => {
        const reason = await this.portal.askCancelReason(
          `${w.reference} (#${w.id}), ${count(w.quantity)} codes.`,
        );
        if (reason === null) return;
        button.disabled = true;
        this.banner.clear();
        try {
          this.update(await api.cancel(w.id, reason));
          this.portal.announce(`${w.reference} is canceled.`);
        } catch (err) {
          button.disabled = false;
          this.banner.show(this.portal.explain(err));
        }
      })();
    });
    return h('div', { class: 'button-row cancel-row' }, button);
  }

  private archiveButton(): HTMLElement {
    const w = this.w;
    const button = h('button', { type: 'button', class: 'button' }, 'Archive');
    button.addEventListener('click', () => {
      button.disabled = true;
      this.banner.clear();
      api
        .archive(w.id)
        .then((updated) => {
          this.update(updated);
          this.portal.announce(`${w.reference} is archived.`);
        })
        .catch((err: unknown) => {
          button.disabled = false;
          this.banner.show(this.portal.explain(err));
        });
    });
    return h('div', { class: 'button-row' }, button);
  }
}

function note(text: string): HTMLElement {
  return h('p', { class: 'note' }, text);
}
