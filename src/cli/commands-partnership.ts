import type { Repositories } from '../store';
import type { CompanyRow, PartnershipRow } from '../store/schema';

/** Operator commands linking a brand owner and a printing partner without the invitation round. */
export const PARTNERSHIP_USAGE = `  partnership link BRAND_ID PARTNER_ID     (active at once, every right)
  partnership unlink BRAND_ID PARTNER_ID   (ends it; open workorders keep running)
  partnership list`;

type Usage = (message: string) => Error;

export async function runPartnershipCommand(
  verb: string | undefined,
  positionals: string[],
  repos: Repositories,
  usage: Usage,
): Promise<unknown> {
  if (verb === 'list') return (await repos.partnerships.listAll()).map(partnershipJson);
  if (verb !== 'link' && verb !== 'unlink') throw usage(`unknown command "partnership ${verb ?? ''}"`);
  const [brandArg, partnerArg] = positionals;
  const brand = await companyOfType(repos, brandArg, 'brand_owner', 'BRAND_ID', usage);
  const partner = await companyOfType(repos, partnerArg, 'printing_partner', 'PARTNER_ID', usage);
  if (verb === 'link') return partnershipJson(await repos.partnerships.link(brand.id, partner.id));
  const row = await repos.partnerships.byPair(brand.id, partner.id);
  if (!row) throw usage(`no partnership between ${brand.id} and ${partner.id}`);
  const ended = await repos.partnerships.transition(row.id, ['invited', 'active'], 'ended');
  return partnershipJson(ended ?? row);
}

async function companyOfType(
  repos: Repositories,
  arg: string | undefined,
  type: CompanyRow['company_type'],
  name: string,
  usage: Usage,
): Promise<CompanyRow> {
  if (!arg || !/^\d{1,15}$/.test(arg) || Number(arg) < 1) throw usage(`${name} must be a positive integer`);
  const company = await repos.companies.byId(Number(arg));
  if (!company) throw usage(`${name}: no company ${arg}`);
  if (company.company_type !== type) throw usage(`${name}: company ${arg} is not a ${type}`);
  return company;
}

function partnershipJson(row: PartnershipRow) {
  return {
    id: row.id,
    brand: row.brand_id,
    partner: row.partner_id,
    state: row.state,
    permissions: JSON.parse(row.permissions) as string[],
    updated_at: row.updated_at,
  };
}
