/** The printer confirmation, as the seed tells it: equipment, a calibrated substrate, 'Generate Codes'. */
import { api, ApiRefusal, type Equipment, type Substrate, type Workorder } from './api';
import type { Banner, Portal } from './context';
import { count, h } from './format';

const FIELDS = ['equipment', 'substrate', 'external_id'] as const;
type Field = (typeof FIELDS)[number];

export const NO_SUBSTRATE_HINT =
  'No substrate is calibrated for this equipment yet. Calibrate a substrate for it first ' +
  '(add the substrate to the portal if it is missing), or choose other equipment.';
const SUBSTRATE_HINT = 'Only substrates calibrated for the chosen equipment are listed.';

export class ConfirmForm {
  readonly element: HTMLFormElement;
  private readonly equipmentSelect: HTMLSelectElement;
  private readonly substrateSelect: HTMLSelectElement;
  private readonly externalId: HTMLInputElement;
  private readonly substrateHint: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly errors = new Map<Field, HTMLElement>();
  private equipment: Equipment[] = [];
  private substrates: Substrate[] = [];
  private substrateRequest = 0;

  constructor(
    private readonly workorder: Workorder,
    private readonly portal: Portal,
    private readonly banner: Banner,
    private readonly onConfirmed: (w: Workorder) => void,
    /** After a 409 the workorder changed elsewhere: show it as it is now. */
    private readonly onStale: () => void,
  ) {
    const base = `wo-${workorder.id}`;
    const error = (field: Field) => {
      const p = h('p', { class: 'field-error', id: `${base}-${field}-error` });
      this.errors.set(field, p);
      return p;
    };
    this.equipmentSelect = h(
      'select',
      {
        id: `${base}-equipment`,
        name: 'equipment',
        required: true,
        'aria-describedby': `${base}-equipment-hint ${base}-equipment-error`,
      },
      h('option', { value: '' }, 'Loading equipment…'),
    );
    this.substrateSelect = h(
      'select',
      {
        id: `${base}-substrate`,
        name: 'substrate',
        required: true,
        disabled: true,
        'aria-describedby': `${base}-substrate-hint ${base}-substrate-error`,
      },
      h('option', { value: '' }, 'Choose equipment first'),
    );
    this.substrateHint = h(
      'p',
      { class: 'hint', id: `${base}-substrate-hint`, 'aria-live': 'polite' },
      SUBSTRATE_HINT,
    );
    this.externalId = h('input', {
      id: `${base}-external-id`,
      name: 'external_id',
      type: 'text',
      autocomplete: 'off',
      'aria-describedby': `${base}-external-id-hint ${base}-external_id-error`,
    });
    this.submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Generate Codes');

    this.element = h(
      'form',
      { class: 'confirm-form', novalidate: true, 'aria-labelledby': `${base}-confirm-heading` },
      h('h4', { id: `${base}-confirm-heading` }, 'Printer confirmation'),
      h(
        'p',
        { class: 'hint' },
        'Choose the press you will print this order on and a substrate calibrated for it.',
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: this.equipmentSelect.id }, 'Printing equipment'),
        this.equipmentSelect,
        h(
          'p',
          { class: 'hint', id: `${base}-equipment-hint` },
          'Not in the list? The printer has to be added to the portal first: ',
          h('a', { href: '#setup' }, 'add a press'),
          '.',
        ),
        error('equipment'),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: this.substrateSelect.id }, 'Substrate'),
        this.substrateSelect,
        this.substrateHint,
        h(
          'p',
          { class: 'hint' },
          'Not in the list? ',
          h('a', { href: '#setup' }, 'Add or calibrate a substrate'),
          ' for this press.',
        ),
        error('substrate'),
      ),
      h(
        'div',
        { class: 'field' },
        h(
          'label',
          { for: this.externalId.id },
          'External ID ',
          h('span', { class: 'optional' }, '(optional)'),
        ),
        this.externalId,
        h(
          'p',
          { class: 'hint', id: `${base}-external-id-hint` },
          'Your own job number, to find this order later.',
        ),
        error('external_id'),
      ),
      h('div', { class: 'form-actions' }, this.submit),
    );

    this.equipmentSelect.addEventListener('change', () => {
      this.setError('equipment', []);
      this.setError('substrate', []);
      void this.loadSubstrates();
    });
    this.substrateSelect.addEventListener('change', () => this.setError('substrate', []));
    this.externalId.addEventListener('input', () => this.setError('external_id', []));
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.confirm();
    });
    void this.loadEquipment();
  }

  focus(): void {
    this.equipmentSelect.focus();
  }

  private async loadEquipment(): Promise<void> {
    try {
      this.equipment = await this.portal.equipment();
    } catch (err) {
      this.banner.show(this.portal.explain(err));
      this.equipment = [];
    }
    const options = this.equipment.map((e) =>
      h('option', { value: e.id }, `${e.name} (${count(e.dpi)} dpi)`),
    );
    const placeholder = this.equipment.length > 0 ? 'Choose equipment…' : 'No equipment in the portal yet';
    this.equipmentSelect.replaceChildren(h('option', { value: '' }, placeholder), ...options);
  }

  private async loadSubstrates(): Promise<void> {
    const request = ++this.substrateRequest;
    const equipmentId = Number(this.equipmentSelect.value);
    this.substrates = [];
    this.substrateSelect.disabled = true;
    if (!equipmentId) {
      this.substrateSelect.replaceChildren(h('option', { value: '' }, 'Choose equipment first'));
      this.setSubstrateHint(SUBSTRATE_HINT, false);
      return;
    }
    this.substrateSelect.replaceChildren(h('option', { value: '' }, 'Loading substrates…'));
    let substrates: Substrate[];
    try {
      substrates = (await api.substrates(equipmentId)).results;
    } catch (err) {
      if (request !== this.substrateRequest) return;
      this.substrateSelect.replaceChildren(h('option', { value: '' }, 'Substrates could not be loaded'));
      this.showRefusal(err);
      return;
    }
    if (request !== this.substrateRequest) return;
    this.substrates = substrates;
    if (substrates.length === 0) {
      this.substrateSelect.replaceChildren(h('option', { value: '' }, 'No calibrated substrate'));
      this.setSubstrateHint(NO_SUBSTRATE_HINT, true);
      return;
    }
    this.substrateSelect.replaceChildren(
      h('option', { value: '' }, 'Choose a substrate…'),
      ...substrates.map((s) => h('option', { value: s.id }, s.name)),
    );
    this.substrateSelect.disabled = false;
    this.setSubstrateHint(SUBSTRATE_HINT, false);
  }

  private setSubstrateHint(text: string, warning: boolean): void {
    this.substrateHint.textContent = text;
    this.substrateHint.classList.toggle('hint-warning', warning);
  }

  private setError(field: Field, messages: string[]): void {
    const target = this.errors.get(field);
    if (target) target.textContent = messages.join(' ');
    const control =
      field === 'equipment'
        ? this.equipmentSelect
        : field === 'substrate'
          ? this.substrateSelect
          : this.externalId;
    if (messages.length > 0) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }

  private control(field: Field): HTMLSelectElement | HTMLInputElement {
    return field === 'equipment'
      ? this.equipmentSelect
      : field === 'substrate'
        ? this.substrateSelect
        : this.externalId;
  }

  private async confirm(): Promise<void> {
    this.banner.clear();
    for (const field of FIELDS) this.setError(field, []);
    const equipment = this.equipment.find((e) => String(e.id) === this.equipmentSelect.value);
    const substrate = this.substrates.find((s) => String(s.id) === this.substrateSelect.value);
    if (!equipment) {
      this.setError('equipment', ['Choose the equipment you will print on.']);
      this.equipmentSelect.focus();
      return;
    }
    if (!substrate) {
      this.setError('substrate', [
        this.substrates.length === 0
          ? NO_SUBSTRATE_HINT
          : 'Choose a substrate calibrated for this equipment.',
      ]);
      (this.substrateSelect.disabled ? this.equipmentSelect : this.substrateSelect).focus();
      return;
    }
    const w = this.workorder;
    const confirmed = await this.portal.confirm({
      title: 'Generate the codes?',
      summary: `${w.reference}: ${count(w.quantity)} codes, printed on ${equipment.name} (${count(equipment.dpi)} dpi) on ${substrate.name}.`,
      warning:
        'Nothing can be changed after you confirm. If something needs to change, ask the brand to cancel this workorder and create a new one.',
      confirmLabel: 'Confirm',
    });
    if (!confirmed) return;
    this.submit.disabled = true;
    this.portal.announce(`Confirming the printer for ${w.reference}…`);
    try {
      const updated = await api.printerConfirm(w.id, {
        equipment: equipment.id,
        substrate: substrate.id,
        external_id: this.externalId.value.trim(),
      });
      this.portal.announce(`Printer confirmed for ${w.reference}. Generating ${count(w.quantity)} codes…`);
      this.onConfirmed(updated);
    } catch (err) {
      this.submit.disabled = false;
      this.showRefusal(err);
    }
  }

  /** 400s go next to their field; the rest (409, 403, …) to the banner. */
  private showRefusal(err: unknown): void {
    if (err instanceof ApiRefusal && err.status === 400) {
      const fieldErrors = err.fieldErrors;
      let first: Field | undefined;
      const rest: string[] = [];
      for (const [field, messages] of Object.entries(fieldErrors)) {
        if ((FIELDS as readonly string[]).includes(field)) {
          this.setError(field as Field, messages);
          first ??= field as Field;
        } else {
          rest.push(...messages);
        }
      }
      if (rest.length > 0 || !first) this.banner.show(rest.length > 0 ? rest.join(' ') : err.message);
      if (first) this.control(first).focus();
      this.portal.announce('The confirmation was refused; see the messages in the form.');
      return;
    }
    const message = this.portal.explain(err);
    if (err instanceof ApiRefusal && err.status === 409) {
      this.banner.show(`${message} It changed elsewhere; below is how it is now.`);
      this.onStale();
    } else {
      this.banner.show(message);
    }
  }
}
