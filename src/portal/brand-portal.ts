/**
 * What a brand owner's token adds to the portal: the "New workorder" form above the list and the
 * products below it. The partner portal's list, details, progress, cancel, archive and downloads
 * serve the brand too (card.ts).
 */
import type { Me, Workorder } from './api';
import { BrandOrderForm } from './brand-order';
import { BrandProducts } from './brand-products';
import type { Portal } from './context';

export class BrandPortal {
  private readonly order?: BrandOrderForm;
  private readonly products?: BrandProducts;

  constructor(
    portal: Portal,
    me: Me,
    private readonly orderSlot: HTMLElement,
    private readonly productsSlot: HTMLElement,
    onCreated: (w: Workorder) => void,
  ) {
    const can = (p: Me['permissions'][number]) => me.permissions.includes(p);
    setTitle('Brand portal');
    if (can('workorder_create') && can('workorder_view')) {
      this.order = new BrandOrderForm(portal, onCreated);
      orderSlot.replaceChildren(this.order.element);
      orderSlot.hidden = false;
      void this.order.load();
    }
    if (can('product_view')) {
      this.products = new BrandProducts(portal, {
        create: can('product_create'),
        edit: can('product_edit'),
      });
      productsSlot.replaceChildren(this.products.element);
      productsSlot.hidden = false;
      void this.products.load();
    }
  }

  clear(): void {
    this.orderSlot.replaceChildren();
    this.orderSlot.hidden = true;
    this.productsSlot.replaceChildren();
    this.productsSlot.hidden = true;
    setTitle('Partner portal');
  }
}

function setTitle(name: string): void {
  const heading = document.querySelector('.brand-title');
  if (heading) heading.textContent = name;
  document.title = `Workorders · ${name}`;
}
