/**
 * The authorization matrix: every route of the route table × {no token, malformed header, unknown
 * token, expired token, token without the permission, another brand's token, an unrelated
 * partner's token, the right token} gets the contract's status. Fixtures are keyed by route, so a
 * route added to the table without one fails this test.
 */
import { ROUTES, type RouteSpec } from '../../src/api/route-table';
import { PERMISSIONS, type Permission } from '../../src/store/tokens';
import { ApiClient, type Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

let stack: Stack;

interface World {
  brandA: Caller;
  brandB: Caller;
  partner: Caller;
  unrelated: Caller;
  completedSid: number;
  /** The extended ID of the completed SID workorder's first code. */
  completedSidCode: string;
  waitingSsc: number;
  unconfirmedSsc: number;
  cancelable: number;
  archivable: number;
  template: number;
  productId: number;
  brandId: number;
  press: number;
  paper: number;
  /** The press × paper calibration. */
  calibration: number;
  /** A substrate of the partner's with no calibration on the press yet. */
  spareSubstrate: number;
  pressToArchive: number;
  substrateToArchive: number;
  /** Partnerships of other brands with the partner, each changed by one route's right caller. */
  toAccept: number;
  toDecline: number;
  toEnd: number;
  /** Brand A's webhook endpoints (one for the DELETE) and one of its deliveries. */
  hook: number;
  hookToDelete: number;
  delivery: number;
}
let world: World;

type Persona =
  'none' | 'malformed' | 'unknown' | 'expired' | 'noPermission' | 'otherBrand' | 'unrelatedPartner' | 'right';

interface Fixture {
  /** Whose token is "right": the owning brand, or the workorder's printing partner. */
  right: 'brand' | 'partner';
  path: (w: World) => string;
  body?: (w: World, n: number) => unknown;
  /** Status the right caller gets (a state refusal is a contract answer too). */
  rightStatus: number;
  otherBrand?: number;
  unrelatedPartner?: number;
}

let counter = 0;
const FIXTURES: Record<string, Fixture> = {
  'get /api/v2/me/': {
    right: 'brand',
    path: () => '/api/v2/me/',
    rightStatus: 200,
    otherBrand: 200,
    unrelatedPartner: 200,
  },
  'get /api/v2/workorders/templates/': {
    right: 'brand',
    path: () => '/api/v2/workorders/templates/',
    rightStatus: 200,
  },
  'post /api/v2/workorders/create-from-template/': {
    right: 'brand',
    path: () => '/api/v2/workorders/create-from-template/',
    body: (w) => ({ template: w.template, quantity: 1 }),
    rightStatus: 201,
    otherBrand: 400, // the template is not theirs
    unrelatedPartner: 403,
  },
  'post /api/v2/workorders/create-sid/': {
    right: 'brand',
    path: () => '/api/v2/workorders/create-sid/',
    body: (_w, n) => ({ reference: `MATRIX-${n}`, quantity: 1, activate_on_complete: false }),
    rightStatus: 201,
    otherBrand: 201, // a brand creating its own workorder
    unrelatedPartner: 403,
  },
  'get /api/v2/workorders/': { right: 'brand', path: () => '/api/v2/workorders/', rightStatus: 200 },
  'get /api/v2/workorders/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/workorders/${w.completedSid}/`,
    rightStatus: 200,
  },
  'patch /api/v2/workorders/:id/printer-confirm/': {
    right: 'partner',
    path: (w) => `/api/v2/workorders/${w.waitingSsc}/printer-confirm/`,
    body: (w) => ({ equipment: w.press, substrate: w.paper }),
    rightStatus: 200,
  },
  'post /api/v2/workorders/:id/printed/': {
    right: 'partner',
    path: (w) => `/api/v2/workorders/${w.unconfirmedSsc}/printed/`,
    rightStatus: 409, // not ready to print: the right caller gets the state's answer
  },
  'post /api/v2/workorders/:id/cancel/': {
    right: 'brand',
    path: (w) => `/api/v2/workorders/${w.cancelable}/cancel/`,
    body: () => ({ reason: 'matrix' }),
    rightStatus: 200,
  },
  'post /api/v2/workorders/:id/archive/': {
    right: 'brand',
    path: (w) => `/api/v2/workorders/${w.archivable}/archive/`,
    rightStatus: 200,
  },
  'get /api/v2/workorders/:id/download/': {
    right: 'brand',
    path: (w) => `/api/v2/workorders/${w.completedSid}/download/`,
    rightStatus: 200,
  },
  'get /api/v2/generator/': {
    right: 'partner',
    path: () => '/api/v2/generator/',
    rightStatus: 200,
    otherBrand: 200,
    unrelatedPartner: 200,
  },
  'get /api/v2/workorders/:id/serial-numbers/': {
    right: 'brand',
    path: (w) => `/api/v2/workorders/${w.completedSid}/serial-numbers/`,
    rightStatus: 200,
  },
  'get /api/v2/codes/:extended_id/': {
    right: 'brand',
    path: (w) => `/api/v2/codes/${w.completedSidCode}/`,
    rightStatus: 200,
    otherBrand: 404, // another company's code is as absent as a never issued one
    unrelatedPartner: 404,
  },
  'post /api/v2/codes/status/': {
    right: 'brand',
    path: () => '/api/v2/codes/status/',
    body: (w) => ({ workorder: w.completedSid, activation_status: 1 }),
    rightStatus: 200,
    otherBrand: 400, // the workorder is not theirs
    unrelatedPartner: 403,
  },
  'post /api/v2/codes/verify/': {
    right: 'brand',
    path: () => '/api/v2/codes/verify/',
    body: (w) => ({ extended_ids: [w.completedSidCode] }),
    rightStatus: 200,
    otherBrand: 200, // a result per ID: here a 404's body
    unrelatedPartner: 200,
  },
  'get /api/v2/equipment/': { right: 'partner', path: () => '/api/v2/equipment/', rightStatus: 200 },
  'get /api/v2/substrates/': {
    right: 'partner',
    path: (w) => `/api/v2/substrates/?equipment=${w.press}`,
    rightStatus: 200,
    otherBrand: 400, // the equipment is not theirs
    unrelatedPartner: 400,
  },
  'post /api/v2/equipment/': {
    right: 'partner',
    path: () => '/api/v2/equipment/',
    body: (_w, n) => ({ name: `Matrix press ${n}`, dpi: 600 }),
    rightStatus: 201,
    otherBrand: 403, // partners only
    unrelatedPartner: 201, // a press of its own
  },
  'get /api/v2/equipment/:id/': {
    right: 'partner',
    path: (w) => `/api/v2/equipment/${w.press}/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'patch /api/v2/equipment/:id/': {
    right: 'partner',
    path: (w) => `/api/v2/equipment/${w.press}/`,
    body: (_w, n) => ({ notes: `matrix ${n}` }),
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/equipment/:id/archive/': {
    right: 'partner',
    path: (w) => `/api/v2/equipment/${w.pressToArchive}/archive/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/substrates/': {
    right: 'partner',
    path: () => '/api/v2/substrates/',
    body: (_w, n) => ({ name: `Matrix paper ${n}` }),
    rightStatus: 201,
    otherBrand: 403,
    unrelatedPartner: 201,
  },
  'get /api/v2/substrates/:id/': {
    right: 'partner',
    path: (w) => `/api/v2/substrates/${w.paper}/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'patch /api/v2/substrates/:id/': {
    right: 'partner',
    path: (w) => `/api/v2/substrates/${w.paper}/`,
    body: (_w, n) => ({ description: `matrix ${n}` }),
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/substrates/:id/archive/': {
    right: 'partner',
    path: (w) => `/api/v2/substrates/${w.substrateToArchive}/archive/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'get /api/v2/calibrations/': {
    right: 'partner',
    path: () => '/api/v2/calibrations/',
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/calibrations/': {
    right: 'partner',
    path: () => '/api/v2/calibrations/',
    body: (w) => ({ equipment: w.press, substrate: w.spareSubstrate }),
    rightStatus: 201,
    otherBrand: 403,
    unrelatedPartner: 400, // another partner's press and substrate: unknown to it
  },
  'get /api/v2/calibrations/:id/': {
    right: 'partner',
    path: (w) => `/api/v2/calibrations/${w.calibration}/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'get /api/v2/calibrations/:id/chart/': {
    right: 'partner',
    path: (w) => `/api/v2/calibrations/${w.calibration}/chart/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/calibrations/:id/measurements/': {
    right: 'partner',
    path: (w) => `/api/v2/calibrations/${w.calibration}/measurements/`,
    body: () => ({ module_size_mm: 0.5, cell_dots: 2, dot_gain: 10 }),
    rightStatus: 200,
    otherBrand: 403,
  },
  'get /api/v2/brands/': {
    right: 'brand',
    path: () => '/api/v2/brands/',
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'get /api/v2/products/': {
    right: 'brand',
    path: () => '/api/v2/products/',
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'post /api/v2/products/': {
    right: 'brand',
    path: () => '/api/v2/products/',
    body: (w, n) => ({ sku: `SKU-${n}`, brand_id: w.brandId, name: 'Matrix product' }),
    rightStatus: 201,
    otherBrand: 400, // the brand is not theirs
    unrelatedPartner: 403,
  },
  'get /api/v2/products/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/products/${w.productId}/`,
    rightStatus: 200,
    unrelatedPartner: 403, // partner tokens hold no product permissions
  },
  'patch /api/v2/products/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/products/${w.productId}/`,
    body: () => ({ description: 'patched' }),
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'delete /api/v2/products/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/products/${w.productId}/`,
    rightStatus: 204,
    unrelatedPartner: 403,
  },
  'get /api/v2/partnerships/': { right: 'brand', path: () => '/api/v2/partnerships/', rightStatus: 200 },
  'get /api/v2/partnerships/invitation-code/': {
    right: 'partner',
    path: () => '/api/v2/partnerships/invitation-code/',
    rightStatus: 200,
    otherBrand: 403,
    unrelatedPartner: 200, // its own code
  },
  'post /api/v2/partnerships/': {
    right: 'brand',
    path: () => '/api/v2/partnerships/',
    body: (w) => ({ invitation_code: w.unrelated.company.invitation_code }),
    rightStatus: 201,
    otherBrand: 201, // any brand may invite a partner whose code it was given
    unrelatedPartner: 403,
  },
  'post /api/v2/partnerships/:id/accept/': {
    right: 'partner',
    path: (w) => `/api/v2/partnerships/${w.toAccept}/accept/`,
    rightStatus: 200,
    otherBrand: 403, // only partners answer invitations
  },
  'post /api/v2/partnerships/:id/decline/': {
    right: 'partner',
    path: (w) => `/api/v2/partnerships/${w.toDecline}/decline/`,
    rightStatus: 200,
    otherBrand: 403,
  },
  'post /api/v2/partnerships/:id/end/': {
    right: 'brand',
    path: (w) => `/api/v2/partnerships/${w.toEnd}/end/`,
    rightStatus: 200,
  },
  // The matrix's partners hold no webhook_manage (PARTNER_PERMISSIONS): 403 before any lookup.
  'get /api/v2/webhooks/': {
    right: 'brand',
    path: () => '/api/v2/webhooks/',
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'post /api/v2/webhooks/': {
    right: 'brand',
    path: () => '/api/v2/webhooks/',
    body: () => ({ url: 'https://hooks.example.com/matrix', events: ['workorder.archived'] }),
    rightStatus: 201,
    otherBrand: 201, // an endpoint of its own
    unrelatedPartner: 403,
  },
  'get /api/v2/webhooks/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/webhooks/${w.hook}/`,
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'patch /api/v2/webhooks/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/webhooks/${w.hook}/`,
    body: () => ({ description: 'patched' }),
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'delete /api/v2/webhooks/:id/': {
    right: 'brand',
    path: (w) => `/api/v2/webhooks/${w.hookToDelete}/`,
    rightStatus: 204,
    unrelatedPartner: 403,
  },
  'get /api/v2/webhooks/:id/deliveries/': {
    right: 'brand',
    path: (w) => `/api/v2/webhooks/${w.hook}/deliveries/`,
    rightStatus: 200,
    unrelatedPartner: 403,
  },
  'post /api/v2/webhooks/:id/deliveries/:delivery_id/redeliver/': {
    right: 'brand',
    path: (w) => `/api/v2/webhooks/${w.hook}/deliveries/${w.delivery}/redeliver/`,
    rightStatus: 202,
    unrelatedPartner: 403,
  },
};

/** The contract's answer for a persona: 401 without valid credentials, 403 without the permission, 404 for others' objects. */
function expected(route: RouteSpec, fixture: Fixture, persona: Persona): number {
  if (['none', 'malformed', 'unknown', 'expired'].includes(persona)) return 401;
  if (persona === 'noPermission') return route.permission ? 403 : fixture.rightStatus;
  if (persona === 'right') return fixture.rightStatus;
  const override = persona === 'otherBrand' ? fixture.otherBrand : fixture.unrelatedPartner;
  if (override !== undefined) return override;
  if (route.path.includes(':id')) return 404;
  if (route.method === 'get') return 200; // their own, empty or not, list
  throw new Error(`no expectation for ${persona} on ${route.method} ${route.path}`);
}

beforeAll(async () => {
  stack = await (await Stack.create({ env: { THROTTLE_PER_MINUTE: '100000' } })).start();
  const { fixtures } = stack;
  const brandA = await fixtures.brandOwner('Matrix Brand A', PERMISSIONS);
  const brandB = await fixtures.brandOwner('Matrix Brand B', PERMISSIONS);
  const partner = await fixtures.printingPartner('Matrix Print', 'print@matrix.example');
  const unrelated = await fixtures.printingPartner('Unrelated Print', 'other@matrix.example');
  const press = await fixtures.equipment(partner.company, 'Press', 600);
  const paper = await fixtures.substrate(partner.company, 'Paper');
  const calibration = await fixtures.calibration(press, paper);
  const spareSubstrate = await fixtures.substrate(partner.company, 'Spare paper');
  const pressToArchive = await fixtures.equipment(partner.company, 'Old press', 300);
  const substrateToArchive = await fixtures.substrate(partner.company, 'Old paper');
  // Brand A's endpoint exists before its workorders, so their events make deliveries.
  const hookOf = async () =>
    (
      await brandA.client.post<{ id: number }>('/api/v2/webhooks/', {
        url: 'https://hooks.example.com/matrix',
        events: ['workorder.created'],
      })
    ).body.id;
  const hook = await hookOf();
  const hookToDelete = await hookOf();
  const sid = (await fixtures.sidTemplate(brandA.company, 'SID')).id;
  const ssc = (await fixtures.sscTemplate(brandA.company, 'SSC', { printingPartner: partner.company })).id;
  const create = async (template: number) =>
    (
      await brandA.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
        template,
        quantity: 2,
      })
    ).body.id;
  const completedSid = await create(sid);
  const archivable = await create(sid);
  const waitingSsc = await create(ssc);
  const unconfirmedSsc = await create(ssc);
  const cancelable = await create(ssc);
  for (const id of [completedSid, archivable])
    await brandA.client.waitFor(id, (w) => w.state === 'completed');
  const deliveries = await brandA.client.get<{ results: Array<{ id: number }> }>(
    `/api/v2/webhooks/${hook}/deliveries/`,
  );
  const delivery = deliveries.body.results[0].id;
  const serials = await brandA.client.bytes(`/api/v2/workorders/${completedSid}/serial-numbers/`);
  const completedSidCode = serials.data.toString('utf8').split('\n')[1].split(',')[1];
  const brandId = (await fixtures.brand(brandA.company, 'Matrix')).id;
  const product = await brandA.client.post<{ id: number }>('/api/v2/products/', {
    sku: 'MATRIX-P',
    brand_id: brandId,
    name: 'P',
  });
  expect(product.status).toBe(201);
  // Partnerships the matrix changes, kept apart from brand A's own with the partner (its workorders need it).
  const invitation = async (by: Caller) =>
    (
      await by.client.post<{ id: number }>('/api/v2/partnerships/', {
        invitation_code: partner.company.invitation_code,
      })
    ).body.id;
  const toAccept = await invitation(brandB);
  const toDecline = await invitation(await fixtures.brandOwner('Matrix Brand C', PERMISSIONS));
  const endPrint = await fixtures.printingPartner('End Print', 'end@matrix.example');
  const toEnd = (await fixtures.partnership(brandA.company, endPrint.company)).id;
  world = {
    hook,
    hookToDelete,
    delivery,
    toAccept,
    toDecline,
    toEnd,
    brandA,
    brandB,
    partner,
    unrelated,
    completedSid,
    completedSidCode,
    waitingSsc,
    unconfirmedSsc,
    cancelable,
    archivable,
    template: sid,
    productId: product.body.id,
    brandId,
    press: press.id,
    paper: paper.id,
    calibration: calibration.id,
    spareSubstrate: spareSubstrate.id,
    pressToArchive: pressToArchive.id,
    substrateToArchive: substrateToArchive.id,
  };
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
});

test('every route in the table has a fixture, and every fixture a route', () => {
  const keys = ROUTES.filter((r) => r.auth !== 'none').map((r) => `${r.method} ${r.path}`);
  expect(keys.sort()).toEqual(Object.keys(FIXTURES).sort());
});

const PERSONAS: Persona[] = [
  'none',
  'malformed',
  'unknown',
  'expired',
  'noPermission',
  'otherBrand',
  'unrelatedPartner',
  'right',
];

describe.each(
  ROUTES.filter((r) => r.auth !== 'none').map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const),
)('%s', (_name, route) => {
  test.each(PERSONAS)('%s', async (persona) => {
    const fixture = FIXTURES[`${route.method} ${route.path}`];
    expect(fixture).toBeDefined();
    const rightCompany = fixture.right === 'brand' ? world.brandA.company : world.partner.company;
    const tokenOf = async (permissions: readonly Permission[], expiresAt: string | null = null) =>
      `UAT ${(await stack.fixtures.token(rightCompany, permissions, expiresAt)).token}`;
    const header: Record<Persona, () => Promise<string | undefined> | string | undefined> = {
      none: () => undefined,
      malformed: () => `Token ${world.brandA.token}`,
      unknown: () => 'UAT uat_unknownunknownunknownunknown',
      expired: () => tokenOf(PERMISSIONS, '2021-06-30T23:59:59.999Z'),
      noPermission: () => tokenOf(PERMISSIONS.filter((p) => p !== route.permission)),
      otherBrand: () => `UAT ${world.brandB.token}`,
      unrelatedPartner: () => `UAT ${world.unrelated.client.token}`,
      right: () => `UAT ${fixture.right === 'brand' ? world.brandA.token : world.partner.client.token}`,
    };
    const authorization = await header[persona]();
    const client = new ApiClient(stack.baseUrl, null);
    counter += 1;
    const res = await client.request(route.method.toUpperCase(), fixture.path(world), {
      json: fixture.body?.(world, counter),
      headers: authorization ? { Authorization: authorization } : {},
    });
    expect({ persona, status: res.status }).toEqual({ persona, status: expected(route, fixture, persona) });
    if (res.status === 404) expect(res.body).toEqual({ detail: 'Not found.' });
    if (res.status === 401 || res.status === 403) expect(typeof res.body.detail).toBe('string');
  });
});

test('codegen_file is a signed link only for a caller who may download; the others get the plain URL', async () => {
  const path = `/api/v2/workorders/${world.completedSid}/`;
  const plain = `${stack.baseUrl}/api/v2/workorders/${world.completedSid}/download/`;
  const downloader = await world.brandA.client.get<Workorder>(path);
  expect(String(downloader.body.codegen_file)).toMatch(/\/download\/\?expires=\d+&signature=/);
  const viewOnly = await stack.fixtures.token(
    world.brandA.company,
    PERMISSIONS.filter((p) => p !== 'workorder_download'),
  );
  const seen = await viewOnly.client.get<Workorder>(path);
  expect(seen.body.codegen_file).toBe(plain);
  expect((await viewOnly.client.bytes(plain)).status).toBe(403);
});
