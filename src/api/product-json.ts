import type { BrandRow, CompanyRow, ProductRow, WorkorderRow } from '../store/schema';
import { NO_CODES, type CodeCounts } from '../store/products';
import type { ApiDeps } from './context';
import { productImageUrl } from './product-image';
import type { BrandJson, BrandRefJson, ProductJson } from './schemas';

export type { ProductJson };

export function brandJson(b: BrandRow): BrandJson {
  return { id: b.id, name: b.name, image: b.image, creation_date: b.creation_date };
}

/** The brand inside a product or workorder: the seed's `{id, name, image}`. */
export function brandRefJson(b: BrandRow | undefined): BrandRefJson | null {
  return b ? { id: b.id, name: b.name, image: b.image } : null;
}

/** The product object of the seed, field for field; `campaign` is always null (no campaigns here). */
export function productJson(
  p: ProductRow,
  brand: BrandRow | undefined,
  company: CompanyRow | undefined,
  publicUrl: string,
  counts?: CodeCounts,
): ProductJson {
  return {
    id: p.id,
    uuid: p.uuid,
    sku: p.sku,
    image: productImageUrl(publicUrl, p.image_key),
    name: p.name,
    description: p.description,
    label: p.label ?? p.name,
    brand: brandRefJson(brand),
    company: company ? { id: company.id, uuid: company.uuid, name: company.name } : null,
    brand_id: p.brand_id,
    creation_date: p.creation_date,
    client_url: p.client_url,
    is_archived: p.is_archived === 1,
    ...(counts && {
      code_count: counts.codeCount,
      active_code_count: counts.activeCodeCount,
      blacklisted_code_count: counts.blacklistedCodeCount,
    }),
    campaign: null,
  };
}

/** Products with their brand, company and code counts, in one query per kind. */
export async function renderProducts(deps: ApiDeps, rows: ProductRow[]): Promise<ProductJson[]> {
  const [brands, companies, counts] = await Promise.all([
    deps.repos.brands.byIds([...new Set(rows.map((p) => p.brand_id))]),
    deps.repos.companies.byIds([...new Set(rows.map((p) => p.company_id))]),
    deps.repos.products.codeCounts(rows.map((p) => p.id)),
  ]);
  return rows.map((p) =>
    productJson(
      p,
      brands.get(p.brand_id),
      companies.get(p.company_id),
      deps.config.publicUrl,
      counts.get(p.id) ?? NO_CODES,
    ),
  );
}

export async function renderProduct(deps: ApiDeps, row: ProductRow): Promise<ProductJson> {
  const [json] = await renderProducts(deps, [row]);
  return json;
}

/** The products and brands that workorders name, already shaped for the workorder object. */
export interface WorkorderCatalog {
  products: Map<number, ProductJson>;
  brands: Map<number, BrandRefJson | null>;
}

/** What rendering a workorder reads: the API's dependencies, or the webhook activity's few. */
export type RenderDeps = Pick<ApiDeps, 'repos' | 'links'> & { config: Pick<ApiDeps['config'], 'publicUrl'> };

export async function workorderCatalog(deps: RenderDeps, rows: WorkorderRow[]): Promise<WorkorderCatalog> {
  const productIds = [...new Set(rows.map((r) => r.product_id).filter((id): id is number => id !== null))];
  const products = await deps.repos.products.byIds(productIds);
  const brandIds = new Set<number>();
  for (const r of rows) if (r.brand_id !== null) brandIds.add(r.brand_id);
  for (const p of products.values()) brandIds.add(p.brand_id);
  const companyIds = [...new Set([...products.values()].map((p) => p.company_id))];
  const [brands, companies] = await Promise.all([
    deps.repos.brands.byIds([...brandIds]),
    deps.repos.companies.byIds(companyIds),
  ]);
  const publicUrl = deps.config.publicUrl;
  return {
    products: new Map(
      [...products.values()].map((p) => [
        p.id,
        productJson(p, brands.get(p.brand_id), companies.get(p.company_id), publicUrl),
      ]),
    ),
    brands: new Map([...brands.values()].map((b) => [b.id, brandRefJson(b)])),
  };
}
