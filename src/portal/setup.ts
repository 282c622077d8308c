/**
 * A partner's own set-up in the portal (docs/portal.md, Presses, substrates and calibrations): presses
 * and substrates added, changed and archived; a substrate calibrated on a press by downloading the
 * chart, printing and measuring it, and entering the values. Built with DOM calls and textContent only.
 */
import { ApiRefusal } from './api';
import { Banner, type Portal } from './context';
import { day, h } from './format';
import {
  downloadChart,
  setupApi,
  type Calibration,
  type MeasurementFields,
  type PlainSubstrate,
  type Press,
} from './setup-api';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

interface FieldSpec {
  name: string;
  label: string;
  kind?: 'text' | 'number' | 'date' | 'textarea' | 'select';
  required?: boolean;
  hint?: string;
  attrs?: Record<string, string | number>;
}

/**
 * A form's fields, each with its label, hint and error paragraph; a 400 from the API (errors keyed by
 * field) is shown next to the fields it names, anything else in the form's banner.
 */
class Fields {
  readonly controls = new Map<string, Control>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly portal: Portal,
    readonly banner: Banner,
  ) {}

  field(spec: FieldSpec): HTMLDivElement {
    const id = `${this.prefix}-${spec.name.replace(/_/g, '-')}`;
    const described = [spec.hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
    const common = {
      id,
      name: spec.name,
      required: spec.required ?? false,
      'aria-describedby': described,
    };
    const kind = spec.kind ?? 'text';
    const control: Control =
      kind === 'textarea'
        ? h('textarea', { ...common, rows: 2, ...spec.attrs })
        : kind === 'select'
          ? h('select', common)
          : h('input', {
              ...common,
              type: kind,
              autocomplete: 'off',
              ...(kind === 'number' ? { inputmode: 'decimal' } : {}),
              ...spec.attrs,
            });
    control.addEventListener(kind === 'select' ? 'change' : 'input', () => this.setError(spec.name, []));
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    this.controls.set(spec.name, control);
    this.errors.set(spec.name, error);
    this.labels.set(spec.name, spec.label);
    return h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: id },
        spec.label,
        spec.required ? null : h('span', { class: 'optional' }, ' (optional)'),
      ),
      control,
      spec.hint ? h('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null,
      error,
    );
  }

  control(name: string): Control {
    const c = this.controls.get(name);
    if (!c) throw new Error(`no field ${name}`);
    return c;
  }

  value(name: string): string {
    return this.control(name).value.trim();
  }

  set(name: string, value: string): void {
    this.control(name).value = value;
  }

  setError(name: string, messages: string[]): void {
    const error = this.errors.get(name);
    if (error) error.textContent = messages.join(' ');
    const control = this.controls.get(name);
    if (!control) return;
    if (messages.length > 0) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }

  reset(): void {
    this.banner.clear();
    for (const name of this.controls.keys()) this.setError(name, []);
  }

  /** Required fields left empty are marked before anything is sent; false when one is. */
  checkRequired(): boolean {
    let first: Control | undefined;
    for (const [name, control] of this.controls) {
      if (control.required && control.value.trim() === '') {
        const verb = control instanceof HTMLSelectElement ? 'Choose' : 'Enter';
        this.setError(name, [`${verb} the ${this.labels.get(name)?.toLowerCase() ?? name}.`]);
        first ??= control;
      }
    }
    if (first) {
      first.focus();
      this.portal.announce('Some fields need attention; see the messages in the form.');
    }
    return first === undefined;
  }

  /** 400s next to their fields (the first one focused); the rest in the banner. */
  showRefusal(err: unknown): void {
    if (err instanceof ApiRefusal && err.status === 400) {
      let first: Control | undefined;
      const rest: string[] = [];
      for (const [name, messages] of Object.entries(err.fieldErrors)) {
        const control = this.controls.get(name);
        if (control) {
          this.setError(name, messages);
          first ??= control;
        } else rest.push(...messages);
      }
      if (rest.length > 0 || !first) this.banner.show(rest.length > 0 ? rest.join(' ') : err.message);
      first?.focus();
      this.portal.announce('The service refused this; see the messages in the form.');
      return;
    }
    this.banner.show(this.portal.explain(err));
  }
}

const banner = (): Banner => new Banner(h('div', { class: 'banner banner-error', role: 'alert' }));

const STATUS_WORDS: Record<Calibration['status'], string> = {
  measuring: 'Waiting for measurements',
  active: 'Calibrated',
  expired: 'Expired',
};

function parameters(c: Calibration): string {
  const p = c.parameters;
  if (c.status === 'measuring' || p.module_size_mm === undefined) return '';
  const parts = [
    `module ${String(p.module_size_mm)} mm`,
    `${String(p.cell_dots)} dot cells`,
    `dot gain ${String(p.dot_gain)} %`,
  ];
  if (p.ink_density !== undefined) parts.push(`ink density ${String(p.ink_density)}`);
  return parts.join(', ');
}

/** One editable kind (press or substrate): its list and its add / change form. */
interface Kind<T extends { id: number; name: string; archived: boolean }> {
  key: 'press' | 'substrate';
  title: string;
  noun: string;
  specs: FieldSpec[];
  describe(item: T): string;
  load(archived: boolean): Promise<T[]>;
  add(fields: Fields): Promise<T>;
  change(id: number, fields: Fields): Promise<T>;
  archive(id: number): Promise<unknown>;
  fill(item: T, fields: Fields): void;
}

class Catalog<T extends { id: number; name: string; archived: boolean }> {
  readonly element: HTMLElement;
  items: T[] = [];
  private editing: T | null = null;
  private readonly list: HTMLUListElement;
  private readonly fields: Fields;
  private readonly form: HTMLFormElement;
  private readonly formHeading: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly cancelEdit: HTMLButtonElement;
  private readonly showArchived: HTMLInputElement;
  private readonly listBanner = banner();

  constructor(
    private readonly kind: Kind<T>,
    private readonly portal: Portal,
    private readonly changed: () => void,
  ) {
    const base = `setup-${kind.key}`;
    this.fields = new Fields(base, portal, banner());
    this.list = h('ul', { class: 'setup-list', id: `${base}-list`, 'aria-labelledby': `${base}-heading` });
    this.showArchived = h('input', { type: 'checkbox', id: `${base}-archived` });
    this.showArchived.addEventListener('change', () => void this.load());
    this.formHeading = h('h4', { id: `${base}-form-heading` }, `Add a ${kind.noun}`);
    this.submit = h('button', { type: 'submit', class: 'button button-primary' }, `Add ${kind.noun}`);
    this.cancelEdit = h('button', { type: 'button', class: 'button', hidden: true }, 'Cancel change');
    this.cancelEdit.addEventListener('click', () => this.stopEditing(true));
    this.form = h(
      'form',
      { class: 'setup-form', novalidate: true, 'aria-labelledby': this.formHeading.id, id: `${base}-form` },
      this.formHeading,
      this.fields.banner.element,
      ...kind.specs.map((s) => this.fields.field(s)),
      h('div', { class: 'form-actions' }, this.submit, this.cancelEdit),
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.element = h(
      'section',
      { class: 'panel setup-panel', 'aria-labelledby': `${base}-heading` },
      h('h3', { id: `${base}-heading`, tabindex: -1 }, kind.title),
      h(
        'div',
        { class: 'checkbox' },
        this.showArchived,
        h('label', { for: this.showArchived.id }, `Include archived ${kind.title.toLowerCase()}`),
      ),
      this.listBanner.element,
      this.list,
      this.form,
    );
  }

  /** The live ones (for the calibration form), whatever the list shows. */
  get live(): T[] {
    return this.items.filter((i) => !i.archived);
  }

  async load(): Promise<void> {
    try {
      this.items = await this.kind.load(this.showArchived.checked);
      this.listBanner.clear();
    } catch (err) {
      this.listBanner.show(this.portal.explain(err));
      return;
    }
    this.render();
  }

  private render(): void {
    if (this.items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'muted' }, `No ${this.kind.noun} yet.`));
      return;
    }
    this.list.replaceChildren(...this.items.map((item) => this.row(item)));
  }

  private row(item: T): HTMLLIElement {
    const name = h('span', { class: 'setup-name' }, item.name);
    const li = h(
      'li',
      { class: 'setup-item', 'data-id': item.id },
      h(
        'div',
        { class: 'setup-text' },
        name,
        item.archived ? h('span', { class: 'badge state-canceled' }, 'Archived') : null,
        h('span', { class: 'muted' }, this.kind.describe(item)),
      ),
    );
    if (!item.archived) {
      const change = h(
        'button',
        { type: 'button', class: 'button button-small', 'aria-label': `Change ${item.name}` },
        'Change',
      );
      change.addEventListener('click', () => this.edit(item));
      const archive = h(
        'button',
        {
          type: 'button',
          class: 'button button-small button-danger-quiet',
          'aria-label': `Archive ${item.name}`,
        },
        'Archive…',
      );
      archive.addEventListener('click', () => void this.archive(item));
      li.append(h('div', { class: 'button-row' }, change, archive));
    }
    return li;
  }

  private edit(item: T): void {
    this.editing = item;
    this.fields.reset();
    this.kind.fill(item, this.fields);
    this.formHeading.textContent = `Change ${item.name}`;
    this.submit.textContent = 'Save changes';
    this.cancelEdit.hidden = false;
    this.fields.control(this.kind.specs[0].name).focus();
  }

  private stopEditing(focusList: boolean): void {
    const was = this.editing;
    this.editing = null;
    this.form.reset();
    this.fields.reset();
    this.formHeading.textContent = `Add a ${this.kind.noun}`;
    this.submit.textContent = `Add ${this.kind.noun}`;
    this.cancelEdit.hidden = true;
    if (focusList && was) this.list.querySelector<HTMLButtonElement>(`[data-id="${was.id}"] button`)?.focus();
  }

  private async save(): Promise<void> {
    this.fields.reset();
    if (!this.fields.checkRequired()) return;
    this.submit.disabled = true;
    try {
      const editing = this.editing;
      const saved = editing
        ? await this.kind.change(editing.id, this.fields)
        : await this.kind.add(this.fields);
      this.portal.announce(editing ? `${saved.name} saved.` : `${saved.name} added.`);
      this.stopEditing(false);
      await this.load();
      this.changed();
      this.list.querySelector<HTMLButtonElement>(`[data-id="${saved.id}"] button`)?.focus();
    } catch (err) {
      this.fields.showRefusal(err);
    } finally {
      this.submit.disabled = false;
    }
  }

  private async archive(item: T): Promise<void> {
    const ok = await this.portal.confirm({
      title: `Archive ${item.name}?`,
      summary: `${item.name} leaves the lists and the printer confirmation form.`,
      warning: 'Workorders already confirmed on it keep it. Archiving cannot be undone in the portal.',
      confirmLabel: 'Archive',
    });
    if (!ok) return;
    try {
      await this.kind.archive(item.id);
      this.portal.announce(`${item.name} archived.`);
      if (this.editing?.id === item.id) this.stopEditing(false);
      await this.load();
      this.changed();
      // Its row is gone: the focus goes to the list's heading rather than to nowhere.
      this.element.querySelector<HTMLElement>('h3')?.focus();
    } catch (err) {
      this.listBanner.show(this.portal.explain(err));
    }
  }
}

/** The values a form field holds, without the empty optional ones. */
function filled<K extends string>(fields: Fields, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = fields.value(name);
    if (value !== '') out[name] = value;
  }
  return out;
}

const PRESS: Kind<Press> = {
  key: 'press',
  title: 'Presses',
  noun: 'press',
  specs: [
    { name: 'name', label: 'Name', required: true, attrs: { maxlength: 100 } },
    {
      name: 'dpi',
      label: 'Resolution (dpi)',
      kind: 'number',
      required: true,
      hint: 'The printer dots per inch, 150 to 4,800. Codes are drawn one pixel per dot.',
      attrs: { min: 150, max: 4800, step: 1, inputmode: 'numeric' },
    },
    { name: 'model', label: 'Model', attrs: { maxlength: 100 } },
    { name: 'notes', label: 'Notes', kind: 'textarea', attrs: { maxlength: 1000 } },
  ],
  describe: (p) => [`${p.dpi} dpi`, p.model, p.notes].filter(Boolean).join(' · '),
  load: async (archived) => (await setupApi.presses(archived)).results,
  add: (f) =>
    setupApi.addPress({
      name: f.value('name'),
      dpi: f.value('dpi'),
      model: f.value('model'),
      notes: f.value('notes'),
    }),
  change: (id, f) =>
    setupApi.changePress(id, {
      name: f.value('name'),
      dpi: f.value('dpi'),
      model: f.value('model'),
      notes: f.value('notes'),
    }),
  archive: (id) => setupApi.archivePress(id),
  fill: (p, f) => {
    f.set('name', p.name);
    f.set('dpi', String(p.dpi));
    f.set('model', p.model);
    f.set('notes', p.notes);
  },
};

const SUBSTRATE: Kind<PlainSubstrate> = {
  key: 'substrate',
  title: 'Substrates',
  noun: 'substrate',
  specs: [
    { name: 'name', label: 'Name', required: true, attrs: { maxlength: 100 } },
    { name: 'description', label: 'Description', kind: 'textarea', attrs: { maxlength: 1000 } },
  ],
  describe: (s) => s.description,
  load: (archived) => setupApi.substrates(archived),
  add: (f) => setupApi.addSubstrate({ name: f.value('name'), description: f.value('description') }),
  change: (id, f) =>
    setupApi.changeSubstrate(id, { name: f.value('name'), description: f.value('description') }),
  archive: (id) => setupApi.archiveSubstrate(id),
  fill: (s, f) => {
    f.set('name', s.name);
    f.set('description', s.description);
  },
};

const MEASUREMENTS = ['module_size_mm', 'cell_dots', 'dot_gain', 'ink_density', 'valid_until'] as const;

/** Calibrations: the list, "calibrate a substrate" and the chart + measurement step. */
class Calibrations {
  readonly element: HTMLElement;
  private items: Calibration[] = [];
  private current: Calibration | null = null;
  private readonly list: HTMLUListElement;
  private readonly listBanner = banner();
  private readonly start: Fields;
  private readonly startForm: HTMLFormElement;
  private readonly measure: Fields;
  private readonly measureForm: HTMLFormElement;
  private readonly measureHeading: HTMLElement;
  private readonly chartButton: HTMLButtonElement;

  constructor(
    private readonly portal: Portal,
    private readonly presses: Catalog<Press>,
    private readonly substrates: Catalog<PlainSubstrate>,
    private readonly changed: () => void,
  ) {
    this.list = h('ul', {
      class: 'setup-list',
      id: 'setup-calibration-list',
      'aria-labelledby': 'setup-calibration-heading',
    });

    this.start = new Fields('setup-calibrate', portal, banner());
    const startSubmit = h('button', { type: 'submit', class: 'button button-primary' }, 'Start calibration');
    this.startForm = h(
      'form',
      { class: 'setup-form', novalidate: true, 'aria-labelledby': 'setup-calibrate-heading' },
      h('h4', { id: 'setup-calibrate-heading' }, 'Calibrate a substrate on a press'),
      this.start.banner.element,
      this.start.field({ name: 'equipment', label: 'Press', kind: 'select', required: true }),
      this.start.field({ name: 'substrate', label: 'Substrate', kind: 'select', required: true }),
      this.start.field({
        name: 'valid_until',
        label: 'Valid until',
        kind: 'date',
        hint: 'The last day the calibration may be used; leave empty for no end.',
      }),
      h('div', { class: 'form-actions' }, startSubmit),
    );
    this.startForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.calibrate(startSubmit);
    });

    this.measure = new Fields('setup-measure', portal, banner());
    this.measureHeading = h('h4', { id: 'setup-measure-heading', tabindex: -1 }, 'Measurements');
    this.chartButton = h('button', { type: 'button', class: 'button' }, 'Download chart (PDF)');
    this.chartButton.addEventListener('click', () => void this.downloadChart());
    const measureSubmit = h(
      'button',
      { type: 'submit', class: 'button button-primary' },
      'Save measurements',
    );
    const close = h('button', { type: 'button', class: 'button' }, 'Close');
    close.addEventListener('click', () => this.closeMeasurements());
    this.measureForm = h(
      'form',
      {
        class: 'setup-form measure-form',
        novalidate: true,
        'aria-labelledby': 'setup-measure-heading',
        hidden: true,
      },
      this.measureHeading,
      h(
        'ol',
        { class: 'steps' },
        h('li', {}, 'Download the chart and print it at 100 % on this substrate with this press.'),
        h('li', {}, 'Read the three parts of the printed chart, as the chart explains.'),
        h('li', {}, 'Enter the values below and save.'),
      ),
      h('p', {}, this.chartButton),
      this.measure.banner.element,
      this.measure.field({
        name: 'module_size_mm',
        label: 'Module size (mm)',
        kind: 'number',
        required: true,
        hint: 'Module-size ladder: the smallest module that prints clean and scans (0.1–5).',
        attrs: { min: 0.1, max: 5, step: 'any' },
      }),
      this.measure.field({
        name: 'cell_dots',
        label: 'Cell size (printer dots)',
        kind: 'number',
        required: true,
        hint: 'Secure-graphic tiles: the smallest cell whose cells stay apart (1–16).',
        attrs: { min: 1, max: 16, step: 1, inputmode: 'numeric' },
      }),
      this.measure.field({
        name: 'dot_gain',
        label: 'Dot gain (%)',
        kind: 'number',
        required: true,
        hint: 'Dot-gain patches: the 50 % patch as measured, minus 50 (0–60).',
        attrs: { min: 0, max: 60, step: 'any' },
      }),
      this.measure.field({
        name: 'ink_density',
        label: 'Ink density',
        kind: 'number',
        hint: 'For quality control (0.1–5).',
        attrs: { min: 0.1, max: 5, step: 'any' },
      }),
      this.measure.field({
        name: 'valid_until',
        label: 'Valid until',
        kind: 'date',
        hint: 'The last day the calibration may be used; leave empty for no end.',
      }),
      h('div', { class: 'form-actions' }, measureSubmit, close),
    );
    this.measureForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.saveMeasurements(measureSubmit);
    });

    this.element = h(
      'section',
      { class: 'panel setup-panel setup-calibrations', 'aria-labelledby': 'setup-calibration-heading' },
      h('h3', { id: 'setup-calibration-heading' }, 'Calibrations'),
      h(
        'p',
        { class: 'hint' },
        'A substrate appears in the printer confirmation only once it is calibrated for that press and the calibration has not expired.',
      ),
      this.listBanner.element,
      this.list,
      this.measureForm,
      this.startForm,
    );
  }

  async load(): Promise<void> {
    try {
      this.items = (await setupApi.calibrations()).results;
      this.listBanner.clear();
    } catch (err) {
      this.listBanner.show(this.portal.explain(err));
      return;
    }
    this.render();
  }

  /** The press and substrate choices, from the live ones. */
  refreshChoices(): void {
    const fill = (
      name: string,
      items: { id: number; name: string }[],
      none: string,
      describe: (i: never) => string,
    ) => {
      const select = this.start.control(name) as HTMLSelectElement;
      const before = select.value;
      select.replaceChildren(
        h('option', { value: '' }, items.length > 0 ? 'Choose…' : none),
        ...items.map((i) => h('option', { value: i.id }, describe(i as never))),
      );
      if (items.some((i) => String(i.id) === before)) select.value = before;
    };
    fill('equipment', this.presses.live, 'Add a press first', (p: Press) => `${p.name} (${p.dpi} dpi)`);
    fill('substrate', this.substrates.live, 'Add a substrate first', (s: PlainSubstrate) => s.name);
  }

  private render(): void {
    if (this.items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'muted' }, 'No calibrations yet.'));
      return;
    }
    this.list.replaceChildren(...this.items.map((c) => this.row(c)));
  }

  private label(c: Calibration): string {
    return `${c.substrate.name} on ${c.equipment.name} (${c.equipment.dpi} dpi)`;
  }

  private row(c: Calibration): HTMLLIElement {
    const status = STATUS_WORDS[c.status];
    const facts = [
      parameters(c),
      c.valid_until ? `valid until ${day(c.valid_until)}` : '',
      c.status === 'active' && !c.approved
        ? 'not yet approved by an operator (only some templates need it)'
        : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const open = h(
      'button',
      {
        type: 'button',
        class: 'button button-small',
        'aria-label': `${c.status === 'measuring' ? 'Enter measurements' : 'Measure again'}: ${this.label(c)}`,
      },
      c.status === 'measuring' ? 'Enter measurements' : 'Measure again',
    );
    open.addEventListener('click', () => this.openMeasurements(c));
    return h(
      'li',
      { class: 'setup-item', 'data-id': c.id },
      h(
        'div',
        { class: 'setup-text' },
        h('span', { class: 'setup-name' }, this.label(c)),
        h(
          'span',
          {
            class: `badge ${c.status === 'active' ? 'state-ready-to-print' : c.status === 'expired' ? 'state-canceled' : 'state-new'}`,
          },
          status,
        ),
        h('span', { class: 'muted' }, facts),
      ),
      h('div', { class: 'button-row' }, open),
    );
  }

  private async calibrate(submit: HTMLButtonElement): Promise<void> {
    this.start.reset();
    if (!this.start.checkRequired()) return;
    const equipment = Number(this.start.value('equipment'));
    const substrate = Number(this.start.value('substrate'));
    // One calibration per pair: asking again means measuring the existing one again.
    const existing = this.items.find((c) => c.equipment.id === equipment && c.substrate.id === substrate);
    if (existing) {
      this.openMeasurements(existing);
      this.portal.announce(
        `${this.label(existing)} already has a calibration: enter new measurements to renew it.`,
      );
      return;
    }
    submit.disabled = true;
    try {
      const validUntil = this.start.value('valid_until');
      const c = await setupApi.calibrate({
        equipment,
        substrate,
        ...(validUntil ? { valid_until: validUntil } : {}),
      });
      this.startForm.reset();
      await this.load();
      this.openMeasurements(c);
      this.portal.announce(`Calibration started for ${this.label(c)}. Download the chart next.`);
    } catch (err) {
      this.start.showRefusal(err);
    } finally {
      submit.disabled = false;
    }
  }

  private openMeasurements(c: Calibration): void {
    this.current = c;
    this.measureForm.reset();
    this.measure.reset();
    if (c.valid_until) this.measure.set('valid_until', c.valid_until);
    this.measureHeading.textContent = `Measurements: ${this.label(c)}`;
    this.measureForm.hidden = false;
    this.measureHeading.focus();
  }

  private closeMeasurements(): void {
    const was = this.current;
    this.current = null;
    this.measureForm.hidden = true;
    if (was) this.list.querySelector<HTMLButtonElement>(`[data-id="${was.id}"] button`)?.focus();
  }

  private async downloadChart(): Promise<void> {
    if (!this.current) return;
    this.measure.banner.clear();
    try {
      const name = await downloadChart(this.current.id);
      this.portal.announce(`Chart ${name} downloaded. Print it at 100 %.`);
    } catch (err) {
      this.measure.banner.show(this.portal.explain(err));
    }
  }

  private async saveMeasurements(submit: HTMLButtonElement): Promise<void> {
    const c = this.current;
    if (!c) return;
    this.measure.reset();
    if (!this.measure.checkRequired()) return;
    submit.disabled = true;
    try {
      const values = filled(this.measure, MEASUREMENTS);
      const saved = await setupApi.measure(c.id, {
        ...values,
        module_size_mm: values.module_size_mm ?? '',
        cell_dots: values.cell_dots ?? '',
        dot_gain: values.dot_gain ?? '',
        // The field starts with the current end date: emptied, it means none.
        valid_until: values.valid_until ?? null,
      } satisfies MeasurementFields);
      this.current = null;
      this.measureForm.hidden = true;
      await this.load();
      this.changed();
      this.portal.announce(
        `${this.label(saved)} is ${STATUS_WORDS[saved.status].toLowerCase()}${saved.status === 'active' ? ': it can be chosen when confirming a workorder on this press' : ''}.`,
      );
      this.list.querySelector<HTMLButtonElement>(`[data-id="${saved.id}"] button`)?.focus();
    } catch (err) {
      this.measure.showRefusal(err);
    } finally {
      submit.disabled = false;
    }
  }
}

/** The set-up view: presses, substrates, calibrations. `changed` tells the portal its lists are stale. */
export class Setup {
  private readonly presses: Catalog<Press>;
  private readonly substrates: Catalog<PlainSubstrate>;
  private readonly calibrations: Calibrations;

  constructor(portal: Portal, root: HTMLElement, changed: () => void) {
    const refresh = () => {
      changed();
      this.calibrations.refreshChoices();
      void this.calibrations.load();
    };
    this.presses = new Catalog(PRESS, portal, refresh);
    this.substrates = new Catalog(SUBSTRATE, portal, refresh);
    this.calibrations = new Calibrations(portal, this.presses, this.substrates, changed);
    root.replaceChildren(this.presses.element, this.substrates.element, this.calibrations.element);
  }

  async load(): Promise<void> {
    await Promise.all([this.presses.load(), this.substrates.load(), this.calibrations.load()]);
    this.calibrations.refreshChoices();
  }
}
