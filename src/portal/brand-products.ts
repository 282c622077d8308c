/**
 * The brand's products: list and search, create, edit, image upload, and seed 004's upload handler
 * (choose a CSV, every problem shown by row before anything is sent, then one POST per product with
 * a progress bar, SKUs already present skipped, and a log of the upload to download).
 */
import { ApiRefusal } from './api';
import { brandApi, type Brand, type Product, type ProductFields } from './brand-api';
import { logLine, validateProducts, type ProductRow } from './brand-csv';
import { Banner, type Portal } from './context';
import { count, h } from './format';

const EDIT_FIELDS = ['sku', 'name', 'brand_id', 'description', 'client_url'] as const;
type EditField = (typeof EDIT_FIELDS)[number];

export class BrandProducts {
  readonly element: HTMLElement;
  private brands: Brand[] = [];
  private readonly banner = new Banner(h('div', { class: 'banner', role: 'alert' }));
  private readonly search = h('input', { id: 'product-search', type: 'search', autocomplete: 'off' });
  private readonly table = h('tbody', { id: 'product-rows' });
  private readonly listCount = h('p', { class: 'count', id: 'product-count', 'aria-live': 'polite' });
  private readonly upload: CsvUpload;
  private readonly editor: ProductEditor;
  private searchTimer: number | undefined;

  constructor(
    private readonly portal: Portal,
    private readonly can: { create: boolean; edit: boolean },
  ) {
    this.upload = new CsvUpload(portal, () => void this.loadProducts());
    this.editor = new ProductEditor(
      portal,
      () => this.brands,
      () => void this.loadProducts(),
    );
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.loadProducts(), 250);
    });
    this.element = h(
      'section',
      { id: 'products-view', class: 'panel', 'aria-labelledby': 'products-heading' },
      h('h2', { id: 'products-heading' }, 'Products'),
      this.banner.element,
      h(
        'div',
        { class: 'field field-inline' },
        h('label', { for: this.search.id }, 'Search products'),
        this.search,
      ),
      this.listCount,
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'products', 'aria-labelledby': 'products-heading' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'SKU'),
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Brand'),
              h('th', { scope: 'col' }, 'Image'),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          this.table,
        ),
      ),
      can.create ? h('div', { class: 'button-row' }, this.editor.newButton()) : null,
      this.editor.element,
      can.create ? this.upload.element : null,
    );
  }

  async load(): Promise<void> {
    try {
      this.brands = (await brandApi.brands()).results;
      this.editor.brandsChanged();
    } catch (err) {
      this.banner.show(this.portal.explain(err));
    }
    await this.loadProducts();
  }

  private async loadProducts(): Promise<void> {
    try {
      const search = this.search.value.trim();
      const page = await brandApi.products({ limit: 100, ...(search ? { search } : {}) });
      this.banner.clear();
      this.table.replaceChildren(...page.results.map((p) => this.row(p)));
      this.listCount.textContent =
        page.count === 0
          ? 'No products match.'
          : `Showing ${count(page.results.length)} of ${count(page.count)} products.`;
    } catch (err) {
      this.banner.show(this.portal.explain(err));
    }
  }

  private row(p: Product): HTMLTableRowElement {
    const actions = h('td', {});
    if (this.can.edit) {
      const edit = h(
        'button',
        { type: 'button', class: 'button button-small', 'aria-label': `Edit ${p.sku}` },
        'Edit',
      );
      edit.addEventListener('click', () => this.editor.open(p));
      actions.append(edit);
    }
    return h(
      'tr',
      { 'data-sku': p.sku },
      h('td', {}, p.sku),
      h('td', {}, p.name),
      h('td', {}, p.brand?.name ?? '—'),
      h(
        'td',
        {},
        p.image ? h('img', { src: p.image, alt: `Image of ${p.name}`, class: 'product-image' }) : '—',
      ),
      actions,
    );
  }
}

/** Create or edit one product, with an optional image sent afterwards as multipart. */
class ProductEditor {
  readonly element: HTMLFormElement;
  private editing: Product | null = null;
  private readonly heading = h('h3', { id: 'product-form-heading', tabindex: -1 });
  private readonly banner = new Banner(h('div', { class: 'banner', role: 'alert' }));
  private readonly inputs: Record<EditField, HTMLInputElement | HTMLSelectElement>;
  private readonly errors = {} as Record<EditField | 'image', HTMLElement>;
  private readonly image = h('input', {
    id: 'product-image',
    type: 'file',
    accept: 'image/png,image/jpeg,image/webp',
  });

  constructor(
    private readonly portal: Portal,
    private readonly brands: () => Brand[],
    private readonly changed: () => void,
  ) {
    this.inputs = {
      sku: h('input', { id: 'product-sku', type: 'text', required: true, autocomplete: 'off' }),
      name: h('input', { id: 'product-name', type: 'text', required: true, autocomplete: 'off' }),
      brand_id: h('select', { id: 'product-brand_id', required: true }),
      description: h('input', { id: 'product-description', type: 'text', autocomplete: 'off' }),
      client_url: h('input', { id: 'product-client_url', type: 'url', autocomplete: 'off' }),
    };
    const labels: Record<EditField | 'image', string> = {
      sku: 'SKU',
      name: 'Name',
      brand_id: 'Brand',
      description: 'Description (optional)',
      client_url: 'Product URL (optional)',
      image: 'Image (optional)',
    };
    const field = (name: EditField | 'image') => {
      const input = name === 'image' ? this.image : this.inputs[name];
      const error = h('p', { class: 'field-error', id: `${input.id}-error` });
      this.errors[name] = error;
      input.setAttribute('aria-describedby', error.id);
      return h('div', { class: 'field' }, h('label', { for: input.id }, labels[name]), input, error);
    };
    const save = h('button', { type: 'submit', class: 'button button-primary' }, 'Save product');
    const close = h('button', { type: 'button', class: 'button' }, 'Close');
    close.addEventListener('click', () => (this.element.hidden = true));
    this.element = h(
      'form',
      {
        id: 'product-form',
        class: 'panel product-form',
        novalidate: true,
        'aria-labelledby': this.heading.id,
      },
      this.heading,
      ...EDIT_FIELDS.map((f) => field(f)),
      field('image'),
      this.banner.element,
      h('div', { class: 'button-row' }, save, close),
    );
    this.element.hidden = true;
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      save.disabled = true;
      void this.save().finally(() => (save.disabled = false));
    });
  }

  newButton(): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button' }, 'New product');
    button.addEventListener('click', () => this.open(null));
    return button;
  }

  brandsChanged(): void {
    (this.inputs.brand_id as HTMLSelectElement).replaceChildren(
      h('option', { value: '' }, 'Choose a brand…'),
      ...this.brands().map((b) => h('option', { value: b.id }, `${b.name} (#${b.id})`)),
    );
  }

  open(p: Product | null): void {
    this.editing = p;
    this.clearErrors();
    this.heading.textContent = p ? `Edit product ${p.sku}` : 'New product';
    for (const f of EDIT_FIELDS) this.inputs[f].value = p ? String(p[f] ?? '') : '';
    this.image.value = '';
    this.element.hidden = false;
    this.heading.focus();
  }

  private clearErrors(): void {
    this.banner.clear();
    for (const [name, el] of Object.entries(this.errors)) {
      el.textContent = '';
      (name === 'image' ? this.image : this.inputs[name as EditField]).removeAttribute('aria-invalid');
    }
  }

  private showErrors(err: unknown): void {
    const fields = err instanceof ApiRefusal ? err.fieldErrors : {};
    let first: HTMLElement | null = null;
    for (const [name, messages] of Object.entries(fields)) {
      const key = (name === 'brand' ? 'brand_id' : name) as EditField | 'image';
      if (!(key in this.errors)) continue;
      this.errors[key].textContent = messages.join(' ');
      const input = key === 'image' ? this.image : this.inputs[key];
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
    if (first) first.focus();
    else this.banner.show(this.portal.explain(err));
  }

  private async save(): Promise<void> {
    this.clearErrors();
    const v = (f: EditField) => this.inputs[f].value.trim();
    let missing: HTMLElement | null = null;
    for (const f of ['sku', 'name', 'brand_id'] as const) {
      if (v(f)) continue;
      this.errors[f].textContent = 'Required.';
      this.inputs[f].setAttribute('aria-invalid', 'true');
      missing ??= this.inputs[f];
    }
    if (missing) {
      missing.focus();
      return;
    }
    const body: ProductFields = {
      sku: v('sku'),
      name: v('name'),
      brand_id: Number(v('brand_id')),
      description: v('description'),
      client_url: v('client_url'),
    };
    let product: Product;
    try {
      product = this.editing
        ? await brandApi.editProduct(this.editing.id, body)
        : await brandApi.createProduct(body);
    } catch (err) {
      this.showErrors(err);
      return;
    }
    this.editing = product;
    const file = this.image.files?.[0];
    if (file) {
      try {
        product = await brandApi.productImage(product.id, file);
      } catch (err) {
        this.changed();
        this.showErrors(err);
        return;
      }
    }
    this.portal.announce(`Product ${product.sku} is saved.`);
    this.element.hidden = true;
    this.changed();
  }
}

/** Seed 004's upload handler, in the page. */
class CsvUpload {
  readonly element: HTMLElement;
  private readonly file = h('input', {
    id: 'csv-file',
    type: 'file',
    accept: '.csv,text/csv',
    'aria-describedby': 'csv-hint',
  });
  private readonly problems = h('ul', {
    id: 'csv-problems',
    class: 'csv-problems',
    'aria-labelledby': 'csv-problems-heading',
  });
  private readonly problemsBox = h(
    'div',
    { class: 'banner banner-error', role: 'alert', id: 'csv-problems-box' },
    h('p', { id: 'csv-problems-heading' }),
    this.problems,
  );
  private readonly progress = h('progress', {
    id: 'csv-progress',
    'aria-labelledby': 'csv-progress-text',
    value: 0,
    max: 1,
  });
  private readonly progressText = h('p', {
    id: 'csv-progress-text',
    class: 'progress-text',
    'aria-live': 'polite',
  });
  private readonly start = h('button', { type: 'submit', class: 'button button-primary' }, 'Upload products');
  private readonly logButton = h(
    'button',
    { type: 'button', class: 'button', hidden: true },
    'Download the upload log',
  );
  private log: string[] = [];

  constructor(
    private readonly portal: Portal,
    private readonly uploaded: () => void,
  ) {
    this.problemsBox.hidden = true;
    this.progress.hidden = true;
    const form = h(
      'form',
      { id: 'csv-form', novalidate: true, 'aria-labelledby': 'csv-heading' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: this.file.id }, 'Product CSV file'),
        this.file,
        h(
          'p',
          { class: 'hint', id: 'csv-hint' },
          'Columns: sku, brand_id, name (required), description, client_url. Every row is checked ' +
            'before anything is sent; products whose SKU is already there are skipped.',
        ),
      ),
      this.problemsBox,
      h('div', { class: 'button-row' }, this.start, this.logButton),
      this.progressText,
      this.progress,
    );
    this.element = h(
      'div',
      { class: 'csv-upload', id: 'csv-upload' },
      h('h3', { id: 'csv-heading' }, 'Upload products from a CSV file'),
      form,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    this.file.addEventListener('change', () => {
      this.problemsBox.hidden = true;
      this.file.removeAttribute('aria-invalid');
      this.progressText.textContent = '';
      this.progress.hidden = true;
    });
    this.logButton.addEventListener('click', () => this.downloadLog());
  }

  private async run(): Promise<void> {
    const file = this.file.files?.[0];
    this.problemsBox.hidden = true;
    if (!file) {
      this.showProblems('Choose a CSV file first.', []);
      return;
    }
    const { problems, rows } = validateProducts(await file.text());
    if (problems.length > 0) {
      this.showProblems(
        `${file.name}: ${problems.length === 1 ? '1 problem' : `${count(problems.length)} problems`}; nothing was sent. Fix the file and choose it again.`,
        problems.map((p) => (p.row === 0 ? p.message : `Row ${p.row}: ${p.message}`)),
      );
      return;
    }
    this.start.disabled = true;
    this.file.disabled = true;
    this.log = [logLine(['row', 'sku', 'outcome', 'detail'])];
    this.progress.hidden = false;
    this.progress.max = rows.length;
    this.progress.value = 0;
    const tally = { created: 0, skipped: 0, failed: 0 };
    for (const [i, row] of rows.entries()) {
      const outcome = await this.send(row);
      tally[outcome[0]] += 1;
      this.log.push(logLine([row.row, row.sku, ...outcome]));
      this.progress.value = i + 1;
      this.progressText.textContent = `${count(i + 1)} of ${count(rows.length)} products processed`;
    }
    const summary = `Upload finished: ${tally.created} created, ${tally.skipped} skipped (already there), ${tally.failed} failed.`;
    this.progressText.textContent = summary;
    this.portal.announce(summary);
    this.logButton.hidden = false;
    this.start.disabled = false;
    this.file.disabled = false;
    this.uploaded();
  }

  /** One product: skipped when its SKU is there, else one POST with every value a string. */
  private async send(row: ProductRow): Promise<['created' | 'skipped' | 'failed', string]> {
    try {
      const present = await brandApi.products({ sku__exact: row.sku, limit: 1 });
      if (present.count > 0) return ['skipped', `already there as product #${present.results[0].id}`];
      const body: ProductFields = { sku: row.sku, brand_id: row.brand_id, name: row.name };
      if (row.description) body.description = row.description;
      if (row.client_url) body.client_url = row.client_url;
      const created = await brandApi.createProduct(body);
      return ['created', `product #${created.id}`];
    } catch (err) {
      if (err instanceof ApiRefusal && err.status === 401) this.portal.explain(err);
      const fields = err instanceof ApiRefusal ? err.fieldErrors : {};
      const detail = Object.entries(fields)
        .map(([f, m]) => `${f}: ${m.join(' ')}`)
        .join('; ');
      return ['failed', detail || (err instanceof Error ? err.message : String(err))];
    }
  }

  private showProblems(heading: string, items: string[]): void {
    (this.problemsBox.firstElementChild as HTMLElement).textContent = heading;
    this.problems.replaceChildren(...items.map((text) => h('li', {}, text)));
    this.problemsBox.hidden = false;
    this.file.setAttribute('aria-invalid', 'true');
    this.file.focus();
  }

  private downloadLog(): void {
    const blob = new Blob([`${this.log.join('\n')}\n`], { type: 'text/csv' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: 'product-upload-log.csv', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
