/**
 * The brand's "New workorder" form: a template, quantity, reference, product (by SKU or name), due
 * date, the printing partner when the template names none, remarks. Sent with an
 * `Idempotency-Key` that stays the same while the body does, so a double click or a retry makes one
 * workorder; errors are shown next to their fields.
 */
import { ApiRefusal, type Partnership, type Workorder } from './api';
import { brandApi, newIdempotencyKey, type CreateWorkorder, type Template } from './brand-api';
import { Banner, type Portal } from './context';
import { h, TYPE_LABELS, LAYOUT_LABELS } from './format';

const FIELDS = ['template', 'quantity', 'reference', 'product', 'due_date', 'printing_partner', 'remarks'];

export class BrandOrderForm {
  readonly element: HTMLElement;
  private templates: Template[] = [];
  private readonly form: HTMLFormElement;
  private readonly banner = new Banner(h('div', { class: 'banner', role: 'alert' }));
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>;
  private readonly errors: Record<string, HTMLElement> = {};
  private readonly templateHint = h('p', { class: 'hint', id: 'order-template-hint' });
  private readonly partnerField: HTMLElement;
  private readonly productOptions = h('datalist', { id: 'order-product-options' });
  private readonly submit = h(
    'button',
    { type: 'submit', class: 'button button-primary' },
    'Create workorder',
  );
  private lastBody = '';
  private key = newIdempotencyKey();
  private sending = false;

  constructor(
    private readonly portal: Portal,
    private readonly onCreated: (w: Workorder) => void,
  ) {
    this.inputs = {
      template: h('select', { id: 'order-template', name: 'template', required: true }),
      quantity: h('input', {
        id: 'order-quantity',
        name: 'quantity',
        type: 'number',
        min: 1,
        max: 10000000,
        step: 1,
        required: true,
        inputmode: 'numeric',
      }),
      reference: h('input', {
        id: 'order-reference',
        name: 'reference',
        type: 'text',
        maxlength: 255,
        autocomplete: 'off',
      }),
      product: h('input', {
        id: 'order-product',
        name: 'product',
        type: 'text',
        list: this.productOptions.id,
        autocomplete: 'off',
      }),
      due_date: h('input', { id: 'order-due_date', name: 'due_date', type: 'date' }),
      printing_partner: h('select', { id: 'order-printing_partner', name: 'printing_partner' }),
      remarks: h('textarea', { id: 'order-remarks', name: 'remarks', rows: 2, maxlength: 1000 }),
    };
    const field = (name: string, label: string, extra?: HTMLElement, optional = false) => {
      const error = h('p', { class: 'field-error', id: `order-${name}-error` });
      this.errors[name] = error;
      const input = this.inputs[name];
      input.setAttribute('aria-describedby', [extra?.id, error.id].filter(Boolean).join(' '));
      return h(
        'div',
        { class: 'field' },
        h(
          'label',
          { for: input.id },
          label,
          optional ? h('span', { class: 'optional' }, ' (optional)') : null,
        ),
        input,
        extra ?? null,
        error,
      );
    };
    this.partnerField = field('printing_partner', 'Printing partner');
    this.form = h(
      'form',
      { id: 'order-form', class: 'order-form', novalidate: true, 'aria-labelledby': 'order-heading' },
      field('template', 'Template', this.templateHint),
      h(
        'div',
        { class: 'field-row' },
        field('quantity', 'Quantity (codes)'),
        field('due_date', 'Due date', undefined, true),
      ),
      field(
        'reference',
        'Reference',
        h(
          'p',
          { class: 'hint', id: 'order-reference-hint' },
          'Unique in your company; generated when left empty.',
        ),
        true,
      ),
      field('product', 'Product (SKU or name)', this.productOptions, true),
      this.partnerField,
      field('remarks', 'Remarks for the printer', undefined, true),
      this.banner.element,
      h('div', { class: 'button-row' }, this.submit),
    );
    this.element = h(
      'section',
      { id: 'order-view', class: 'panel', 'aria-labelledby': 'order-heading' },
      h('h2', { id: 'order-heading' }, 'New workorder'),
      this.form,
    );
    this.inputs.template.addEventListener('change', () => this.templateChosen());
    this.inputs.product.addEventListener('input', () => void this.suggestProducts());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  async load(): Promise<void> {
    try {
      this.templates = (await brandApi.templates()).results.filter((t) => !t.is_archived);
    } catch (err) {
      this.banner.show(this.portal.explain(err));
      return;
    }
    const select = this.inputs.template as HTMLSelectElement;
    select.replaceChildren(
      h('option', { value: '' }, this.templates.length ? 'Choose a template…' : 'No templates yet'),
      ...this.templates.map((t) => h('option', { value: t.id }, `${t.name} (${t.type})`)),
    );
    this.templateChosen();
    // The partners need `partnership_view`; without it the list says so and the API decides.
    let partners: Partnership[] = [];
    let note = 'Choose a partner…';
    try {
      partners = (await brandApi.partners()).results.filter((p) => p.printing_partner);
      if (partners.length === 0) note = 'No active partners yet';
    } catch (err) {
      note = err instanceof ApiRefusal && err.status === 403 ? 'This token may not list partners' : note;
    }
    (this.inputs.printing_partner as HTMLSelectElement).replaceChildren(
      h('option', { value: '' }, note),
      ...partners.map((p) =>
        h('option', { value: p.printing_partner?.id ?? '' }, p.printing_partner?.name ?? ''),
      ),
    );
  }

  private chosen(): Template | undefined {
    return this.templates.find((t) => String(t.id) === this.inputs.template.value);
  }

  private templateChosen(): void {
    const t = this.chosen();
    this.partnerField.hidden = !t || t.type !== 'SSC' || t.printing_partner !== null;
    this.templateHint.textContent = t
      ? [
          TYPE_LABELS[t.type] ?? t.type,
          LAYOUT_LABELS[t.code_layout] ?? t.code_layout,
          t.use_serial_number ? 'serial numbers' : 'no serial numbers',
          t.type !== 'SSC'
            ? 'codes generated at once'
            : t.printing_partner === null
              ? 'no partner set: choose one below'
              : 'partner set by the template',
          t.description,
        ]
          .filter(Boolean)
          .join(' · ')
      : 'The template sets the code type, layout and URL.';
  }

  private async suggestProducts(): Promise<void> {
    const text = this.inputs.product.value.trim();
    if (text.length < 2) return;
    try {
      const page = await brandApi.products({ search: text, limit: 10 });
      this.productOptions.replaceChildren(
        ...page.results.map((p) => h('option', { value: p.sku }, `${p.name} (SKU ${p.sku})`)),
      );
    } catch {
      // Suggestions are a help only; the submit checks the product.
    }
  }

  /** The product's id from an exact SKU or, failing that, one exact name; a field error otherwise. */
  private async resolveProduct(text: string): Promise<number | string | null> {
    const page = await brandApi.products({ search: text, limit: 50 });
    const bySku = page.results.find((p) => p.sku === text);
    if (bySku) return bySku.id;
    const byName = page.results.filter((p) => p.name.toLowerCase() === text.toLowerCase());
    if (byName.length === 1) return byName[0].id;
    this.fieldError(
      'product',
      byName.length > 1
        ? 'Several products have this name; enter the SKU.'
        : 'No product has this SKU or name.',
    );
    return null;
  }

  private clearErrors(): void {
    this.banner.clear();
    for (const name of FIELDS) {
      this.errors[name].textContent = '';
      this.inputs[name].removeAttribute('aria-invalid');
    }
  }

  private fieldError(name: string, message: string): void {
    this.errors[name].textContent = message;
    this.inputs[name].setAttribute('aria-invalid', 'true');
  }

  private focusFirstError(): void {
    const first = FIELDS.find((f) => this.errors[f].textContent);
    if (first) this.inputs[first].focus();
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    this.clearErrors();
    const t = this.chosen();
    const quantity = Number(this.inputs.quantity.value);
    if (!t) this.fieldError('template', 'Choose a template.');
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10_000_000)
      this.fieldError('quantity', 'Enter a whole number from 1 to 10,000,000.');
    const partner = this.inputs.printing_partner.value;
    if (t && t.printing_partner === null && t.type === 'SSC' && !partner)
      this.fieldError('printing_partner', 'Choose the printing partner: this template names none.');
    if (!t || FIELDS.some((f) => this.errors[f].textContent)) {
      this.focusFirstError();
      return;
    }
    this.sending = true;
    this.submit.disabled = true;
    this.form.setAttribute('aria-busy', 'true');
    try {
      const productText = this.inputs.product.value.trim();
      const product = productText ? await this.resolveProduct(productText) : null;
      if (productText && product === null) {
        this.focusFirstError();
        return;
      }
      const body: CreateWorkorder = { template: t.id, quantity };
      const reference = this.inputs.reference.value.trim();
      if (reference) body.reference = reference;
      if (product !== null) body.product = product;
      if (this.inputs.due_date.value) body.due_date = this.inputs.due_date.value;
      if (!this.partnerField.hidden && partner) body.printing_partner = Number(partner);
      const remarks = this.inputs.remarks.value.trim();
      if (remarks) body.remarks = remarks;
      const serialized = JSON.stringify(body);
      if (serialized !== this.lastBody) {
        this.lastBody = serialized;
        this.key = newIdempotencyKey();
      }
      const created = await brandApi.createWorkorder(body, this.key);
      this.form.reset();
      this.lastBody = '';
      this.templateChosen();
      this.portal.announce(`Workorder ${created.reference} (#${created.id}) is created.`);
      this.onCreated(created);
    } catch (err) {
      const fields = err instanceof ApiRefusal ? err.fieldErrors : {};
      let placed = false;
      for (const [name, messages] of Object.entries(fields)) {
        if (FIELDS.includes(name)) {
          this.fieldError(name, messages.join(' '));
          placed = true;
        }
      }
      if (placed) this.focusFirstError();
      else this.banner.show(this.portal.explain(err));
    } finally {
      this.sending = false;
      this.submit.disabled = false;
      this.form.removeAttribute('aria-busy');
    }
  }
}
