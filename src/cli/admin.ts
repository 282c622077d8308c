import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config';
import { keepFilesPrivate } from '../private-files';
import { openStore, repositories, type Repositories } from '../store';
import { PERMISSIONS, type Permission } from '../store/tokens';
import { PARTNERSHIP_USAGE, runPartnershipCommand } from './commands-partnership';
import { PRINTING_NOUNS, PRINTING_USAGE, runPrintingCommand } from './commands-printing';

/**
 * Operator CLI: `admin <noun> <verb> [--options]`. Each command prints one JSON object (what it
 * made) on stdout; bad input exits 2 with a message on stderr.
 */
class UsageError extends Error {}

const USAGE = `usage: npm run --silent admin -- <command>
  company create --name NAME --type brand_owner|printing_partner [--email EMAIL]
  token create --company ID --permissions P1,P2,... [--expires YYYY-MM-DD]
  template create --company ID --name NAME --type SID|SSC [--code-layout qr|sg-inside|sg-outside]
                  [--printing-partner ID] [--url-prefix PREFIX] [--no-serial-number]
                  [--activate-on-complete] [--static] [--hybrid] [--description TEXT]
                  [--calibration-approval]   (printer-confirm takes operator-approved calibrations only)
  brand create --company ID --name NAME    (a brand of a brand_owner company, for its products)
${PRINTING_USAGE}
${PARTNERSHIP_USAGE}
  workorder complete ID        (QA approval of a printed SSC workorder)
permissions: ${PERMISSIONS.join(', ')}`;

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

function positiveInt(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive integer`);
  return Number(value);
}

function calendarDate(value: string, name: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== value
  ) {
    throw new UsageError(`--${name} must be a date YYYY-MM-DD`);
  }
  return value;
}

async function companyOfType(
  repos: Repositories,
  id: number,
  type: 'brand_owner' | 'printing_partner',
  flag: string,
) {
  const company = await repos.companies.byId(id);
  if (!company) throw new UsageError(`--${flag}: no company ${id}`);
  if (company.company_type !== type) throw new UsageError(`--${flag}: company ${id} is not a ${type}`);
  return company;
}

async function run(argv: string[], repos: Repositories, config: Config): Promise<unknown> {
  const [noun, verb, ...rest] = argv;
  if ((PRINTING_NOUNS as readonly string[]).includes(noun)) {
    return runPrintingCommand(argv, repos, (message) => new UsageError(message));
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      type: { type: 'string' },
      email: { type: 'string' },
      company: { type: 'string' },
      permissions: { type: 'string' },
      expires: { type: 'string' },
      'code-layout': { type: 'string' },
      'printing-partner': { type: 'string' },
      'url-prefix': { type: 'string' },
      'no-serial-number': { type: 'boolean' },
      'activate-on-complete': { type: 'boolean' },
      'calibration-approval': { type: 'boolean' },
      static: { type: 'boolean' },
      hybrid: { type: 'boolean' },
      description: { type: 'string' },
    },
  });

  if (noun === 'partnership') {
    return runPartnershipCommand(verb, positionals, repos, (message) => new UsageError(message));
  }
  switch (`${noun} ${verb}`) {
    case 'company create': {
      const type = required(values, 'type');
      if (type !== 'brand_owner' && type !== 'printing_partner') {
        throw new UsageError('--type must be brand_owner or printing_partner');
      }
      const email = values.email?.trim() || null;
      if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email))
        throw new UsageError('--email is not an email address');
      return repos.companies.create({ name: required(values, 'name'), companyType: type, email });
    }
    case 'token create': {
      const companyId = positiveInt(required(values, 'company'), 'company');
      if (!(await repos.companies.byId(companyId)))
        throw new UsageError(`--company: no company ${companyId}`);
      const permissions = required(values, 'permissions')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
      if (unknown.length > 0) throw new UsageError(`unknown permission(s): ${unknown.join(', ')}`);
      const expires = values.expires ? `${calendarDate(values.expires, 'expires')}T23:59:59.999Z` : null;
      const { row, token } = await repos.tokens.create(companyId, permissions as Permission[], expires);
      return {
        id: row.id,
        company: row.company_id,
        permissions: row.permissions.split(','),
        expires: row.expires_at,
        creation_date: row.creation_date,
        token,
      };
    }
    case 'template create': {
      const company = await companyOfType(
        repos,
        positiveInt(required(values, 'company'), 'company'),
        'brand_owner',
        'company',
      );
      const type = required(values, 'type');
      if (type !== 'SID' && type !== 'SSC') throw new UsageError('--type must be SID or SSC');
      const layout = values['code-layout'] ?? (type === 'SID' ? 'qr' : 'sg-outside');
      const allowed = type === 'SID' ? ['qr'] : ['sg-inside', 'sg-outside'];
      if (!allowed.includes(layout))
        throw new UsageError(`--code-layout of a ${type} template is ${allowed.join(' or ')}`);
      const partnerFlag = values['printing-partner'];
      const partner = partnerFlag
        ? await companyOfType(
            repos,
            positiveInt(partnerFlag, 'printing-partner'),
            'printing_partner',
            'printing-partner',
          )
        : null;
      const urlPrefix = (values['url-prefix'] ?? 'HTTPS://QR.EXAMPLE.COM/Q/').toUpperCase();
      if (!/^[0-9A-Z $%*+\-./:]*$/.test(urlPrefix)) {
        throw new UsageError(
          '--url-prefix may hold only characters QR alphanumeric mode encodes (A-Z 0-9 $%*+-./: and space)',
        );
      }
      return repos.templates.create({
        companyId: company.id,
        name: required(values, 'name'),
        description: values.description ?? '',
        type,
        codeLayout: layout as 'qr' | 'sg-inside' | 'sg-outside',
        useSerialNumber: !values['no-serial-number'],
        activateOnComplete: Boolean(values['activate-on-complete']),
        calibrationApproval: Boolean(values['calibration-approval']),
        isStaticPrint: Boolean(values.static),
        isHybrid: Boolean(values.hybrid),
        urlPrefix,
        printingPartnerId: partner?.id ?? null,
      });
    }
    case 'brand create': {
      const companyId = positiveInt(required(values, 'company'), 'company');
      const company = await companyOfType(repos, companyId, 'brand_owner', 'company');
      const name = required(values, 'name');
      if (name.length > 255) throw new UsageError('--name must be at most 255 characters');
      if (await repos.brands.nameTaken(company.id, name)) {
        throw new UsageError(`--name: company ${company.id} already has a brand named "${name}"`);
      }
      return repos.brands.create({ companyId: company.id, name });
    }
    case 'workorder complete': {
      const id = positiveInt(positionals[0] ?? '', 'ID');
      const row = await repos.workorders.byId(id);
      if (!row) throw new UsageError(`no workorder ${id}`);
      const { completeWorkorder } = await import('./workorder-complete');
      return completeWorkorder(config, row.workflow_id);
    }
    default:
      throw new UsageError(`unknown command "${[noun, verb].filter(Boolean).join(' ')}"`);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const config = loadConfig();
  const privacyWarning = keepFilesPrivate(config.dataDir);
  if (privacyWarning) process.stderr.write(`${privacyWarning}\n`);
  const store = await openStore(config.databaseUrl);
  try {
    const result = await run(argv, repositories(store), config);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`admin: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`admin: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`admin: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
