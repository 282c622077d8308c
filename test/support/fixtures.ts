/**
 * Typed fixture builders: companies with tokens, templates, brands, and a printing partner's
 * equipment, substrates and calibrations, written straight into a stack's database with the
 * project's own store code (the operator CLI's own test is test/integration/operator-cli.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { CALIBRATION_DEFAULTS } from '../../src/cli/commands-printing';
import type { Repositories } from '../../src/store';
import type { PartnerRight } from '../../src/store/partnerships';
import type { CalibrationParameters } from '../../src/store/printing';
import type {
  BrandRow,
  CalibrationRow,
  CompanyRow,
  EquipmentRow,
  PartnershipRow,
  SubstrateRow,
  TemplateRow,
} from '../../src/store/schema';
import { PERMISSIONS, type Permission } from '../../src/store/tokens';
import { ApiClient } from './api-client';

const permissionsOf = (prefix: string): Permission[] => PERMISSIONS.filter((p) => p.startsWith(prefix));
export const ALL_WORKORDER_PERMISSIONS = permissionsOf('workorder_');
export const PRODUCT_PERMISSIONS = permissionsOf('product_');
/** What a printing partner does with workorders: everything but create them. */
export const PARTNER_PERMISSIONS: Permission[] = [
  ...ALL_WORKORDER_PERMISSIONS.filter((p) => p !== 'workorder_create'),
  ...permissionsOf('partnership_'),
  'printing_setup',
];

/** A company calling the API with a token of its own. */
export interface Caller {
  company: CompanyRow;
  token: string;
  client: ApiClient;
}

export interface TemplateOptions {
  codeLayout?: TemplateRow['code_layout'];
  printingPartner?: CompanyRow | null;
  urlPrefix?: string;
  useSerialNumber?: boolean;
  activateOnComplete?: boolean;
  isStaticPrint?: boolean;
  isHybrid?: boolean;
  calibrationApproval?: boolean;
}

/** A calibration with its parameters read back. */
export type Calibration = Omit<CalibrationRow, 'parameters'> & { parameters: CalibrationParameters };

export class Fixtures {
  constructor(
    private readonly repos: Repositories,
    private readonly baseUrl: string,
  ) {}

  company(
    name: string,
    companyType: CompanyRow['company_type'],
    email: string | null = null,
  ): Promise<CompanyRow> {
    return this.repos.companies.create({ name, companyType, email });
  }

  /** A token of the company (`expiresAt` an ISO timestamp) and a client that sends it. */
  async token(
    company: CompanyRow,
    permissions: readonly Permission[],
    expiresAt: string | null = null,
  ): Promise<Caller> {
    const { token } = await this.repos.tokens.create(company.id, [...permissions], expiresAt);
    return { company, token, client: new ApiClient(this.baseUrl, token) };
  }

  /** A brand owner with a token holding `permissions` (every workorder one by default). */
  async brandOwner(
    name = `Brand ${randomBytes(3).toString('hex')}`,
    permissions: readonly Permission[] = ALL_WORKORDER_PERMISSIONS,
  ): Promise<Caller> {
    return this.token(await this.company(name, 'brand_owner'), permissions);
  }

  /** A printing partner, emailed about its workorders, with a token to work on them. */
  async printingPartner(
    name: string,
    email: string,
    permissions: readonly Permission[] = PARTNER_PERMISSIONS,
  ): Promise<Caller> {
    return this.token(await this.company(name, 'printing_partner', email), permissions);
  }

  sidTemplate(owner: CompanyRow, name = 'SID', options: TemplateOptions = {}): Promise<TemplateRow> {
    return this.template(owner, name, 'SID', { codeLayout: 'qr', ...options });
  }

  sscTemplate(owner: CompanyRow, name: string, options: TemplateOptions = {}): Promise<TemplateRow> {
    return this.template(owner, name, 'SSC', { codeLayout: 'sg-outside', ...options });
  }

  /** An active partnership between the brand and the partner, as an operator's `partnership link`. */
  partnership(
    brand: CompanyRow,
    partner: CompanyRow,
    rights?: readonly PartnerRight[],
  ): Promise<PartnershipRow> {
    return this.repos.partnerships.link(brand.id, partner.id, rights);
  }

  /** A template naming a partner links the two first: ordering from it needs the partnership. */
  private async template(
    owner: CompanyRow,
    name: string,
    type: TemplateRow['type'],
    options: TemplateOptions,
  ): Promise<TemplateRow> {
    if (options.printingPartner) await this.partnership(owner, options.printingPartner);
    return this.repos.templates.create({
      companyId: owner.id,
      name,
      type,
      codeLayout: options.codeLayout ?? 'qr',
      useSerialNumber: options.useSerialNumber ?? true,
      activateOnComplete: options.activateOnComplete ?? false,
      isStaticPrint: options.isStaticPrint ?? false,
      isHybrid: options.isHybrid ?? false,
      urlPrefix: options.urlPrefix ?? 'HTTPS://QR.EXAMPLE.COM/Q/',
      printingPartnerId: options.printingPartner?.id ?? null,
      calibrationApproval: options.calibrationApproval ?? false,
    });
  }

  /** A brand of the owner's products. */
  brand(owner: CompanyRow, name: string): Promise<BrandRow> {
    return this.repos.brands.create({ companyId: owner.id, name });
  }

  equipment(partner: CompanyRow, name: string, dpi: number): Promise<EquipmentRow> {
    return this.repos.printing.createEquipment({ companyId: partner.id, name, dpi });
  }

  substrate(partner: CompanyRow, name: string): Promise<SubstrateRow> {
    return this.repos.printing.createSubstrate({ companyId: partner.id, name, description: '' });
  }

  /** Clears the pair for printing; parameters left out get the operator CLI's defaults. */
  async calibration(
    equipment: EquipmentRow,
    substrate: SubstrateRow,
    parameters: CalibrationParameters = {},
  ): Promise<Calibration> {
    const all = { ...CALIBRATION_DEFAULTS, ...parameters };
    const row = await this.repos.printing.createCalibration({
      equipmentId: equipment.id,
      substrateId: substrate.id,
      parameters: all,
    });
    return { ...row, parameters: all };
  }
}
