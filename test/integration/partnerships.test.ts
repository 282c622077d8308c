/**
 * Partnerships over real HTTP (real API, worker, Temporal and SQLite): a brand invites a printing
 * partner by its invitation code, the partner accepts or declines, either side ends it; a brand
 * addresses only partners it is linked to, and an unlinked partner looks like no company at all.
 */
import type { Json, Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

let stack: Stack;
let brand: Caller;
let partner: Caller;

interface Partnership {
  id: number;
  state: string;
  brand: { id: number; name: string };
  printing_partner: { id: number; name: string };
  partner_permissions: string[];
}

beforeAll(async () => {
  stack = await (await Stack.create()).start();
  brand = await stack.fixtures.brandOwner('Invite Brand', [
    'workorder_view',
    'workorder_create',
    'partnership_view',
    'partnership_manage',
  ]);
  partner = await stack.fixtures.printingPartner('Invited Print', 'jobs@invited.example');
}, 120_000);

afterAll(async () => {
  await stack?.destroy();
});

const invite = (by: Caller, code: unknown, extra: Json = {}) =>
  by.client.post<Partnership>('/api/v2/partnerships/', { invitation_code: code, ...extra });

const createSid = (by: Caller, reference: string, printingPartner: number) =>
  by.client.post<Workorder>('/api/v2/workorders/create-sid/', {
    reference,
    quantity: 3,
    activate_on_complete: false,
    printing_partner: printingPartner,
  });

describe('inviting and answering', () => {
  test('the brand invites by code; the partner sees the invitation and accepts it', async () => {
    const code = (
      await partner.client.get<{ invitation_code: string }>('/api/v2/partnerships/invitation-code/')
    ).body.invitation_code;
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const invited = await invite(brand, code, { partner_permissions: ['see', 'confirm'] });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      state: 'invited',
      brand: { id: brand.company.id, name: 'Invite Brand' },
      printing_partner: { id: partner.company.id, name: 'Invited Print' },
      partner_permissions: ['see', 'confirm'],
    });
    // Inviting again changes nothing.
    expect((await invite(brand, code)).status).toBe(200);

    const invitations = await partner.client.get<{ results: Partnership[] }>(
      '/api/v2/partnerships/?state=invited',
    );
    expect(invitations.body.results.map((p) => p.id)).toEqual([invited.body.id]);
    // Not addressable before the partner accepts.
    expect((await createSid(brand, 'BEFORE-ACCEPT', partner.company.id)).status).toBe(400);

    const accepted = await partner.client.post<Partnership>(
      `/api/v2/partnerships/${invited.body.id}/accept/`,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('active');
    const again = await partner.client.post(`/api/v2/partnerships/${invited.body.id}/accept/`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_state' });

    const created = await createSid(brand, 'AFTER-ACCEPT', partner.company.id);
    expect(created.status).toBe(201);
    expect(created.body.partner_permissions).toEqual(['see', 'confirm']);
  });

  test('a declined invitation leaves the partner unaddressable; the brand may not answer for it', async () => {
    const other = await stack.fixtures.brandOwner('Declined Brand', [
      'partnership_manage',
      'workorder_create',
    ]);
    const invited = await invite(other, partner.company.invitation_code);
    expect((await other.client.post(`/api/v2/partnerships/${invited.body.id}/accept/`)).status).toBe(403);
    const declined = await partner.client.post<Partnership>(
      `/api/v2/partnerships/${invited.body.id}/decline/`,
    );
    expect(declined.body.state).toBe('declined');
    expect((await createSid(other, 'DECLINED', partner.company.id)).status).toBe(400);
    // A new invitation after a decline is a new question.
    expect((await invite(other, partner.company.invitation_code)).body.state).toBe('invited');
  });

  test('an unknown or malformed code is one answer, saying nothing', async () => {
    for (const code of ['A'.repeat(22), 'no such code', '\u0000']) {
      const res = await invite(brand, code);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ invitation_code: ['No printing partner has this invitation code.'] });
    }
  });
});

describe('addressing a partner', () => {
  test('an unlinked partner is refused exactly like an id that is no company', async () => {
    const stranger = await stack.fixtures.printingPartner('Stranger Print', 'jobs@stranger.example');
    const unlinked = await createSid(brand, 'STRANGER', stranger.company.id);
    const missing = await createSid(brand, 'MISSING', 987654);
    expect(unlinked.status).toBe(400);
    expect(missing.status).toBe(400);
    expect(Object.keys(unlinked.body)).toEqual(['printing_partner']);
    expect(JSON.stringify(unlinked.body).replace(String(stranger.company.id), 'N')).toBe(
      JSON.stringify(missing.body).replace('987654', 'N'),
    );
  });

  test('a template naming an unlinked partner is refused on printing_partner', async () => {
    const stranger = await stack.fixtures.printingPartner('Template Stranger', 'jobs@ts.example');
    const template = await stack.fixtures.sscTemplate(brand.company, 'Stranger SSC', {
      printingPartner: stranger.company,
    });
    // The fixture linked them; the partner ends it, and ordering from the template stops.
    const [link] = (await stranger.client.get<{ results: Partnership[] }>('/api/v2/partnerships/')).body
      .results;
    expect((await stranger.client.post(`/api/v2/partnerships/${link.id}/end/`)).status).toBe(200);
    const res = await brand.client.post('/api/v2/workorders/create-from-template/', {
      template: template.id,
      quantity: 2,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['printing_partner']);
    const templates = await brand.client.get<{
      results: Array<{ id: number; partner_permissions: string[] }>;
    }>('/api/v2/workorders/templates/');
    expect(templates.body.results.find((t) => t.id === template.id)?.partner_permissions).toEqual([]);
  });

  test('an ended partnership leaves the open workorder running; it no longer grants rights', async () => {
    const ending = await stack.fixtures.printingPartner('Ending Print', 'jobs@ending.example');
    const link = await stack.fixtures.partnership(brand.company, ending.company);
    const created = await createSid(brand, 'ENDING', ending.company.id);
    expect(created.body.partner_permissions).toEqual(['see', 'confirm', 'download']);
    const ended = await brand.client.post<Partnership>(`/api/v2/partnerships/${link.id}/end/`);
    expect(ended.body.state).toBe('ended');
    const done = await brand.client.waitFor(created.body.id, (w) => w.state === 'completed');
    expect(done.partner_permissions).toEqual([]);
    expect((await createSid(brand, 'ENDED', ending.company.id)).status).toBe(400);
  });

  test('a partnership without download gives the partner the plain URL and 403 on it; with download, the signed link', async () => {
    const withheld = await stack.fixtures.printingPartner('Viewing Print', 'jobs@viewing.example');
    await stack.fixtures.partnership(brand.company, withheld.company, ['see', 'confirm']);
    const created = await createSid(brand, 'NO-DOWNLOAD', withheld.company.id);
    const done = await brand.client.waitFor(created.body.id, (w) => w.state === 'completed');
    const plain = `${stack.baseUrl}/api/v2/workorders/${done.id}/download/`;
    const seen = await withheld.client.get<Workorder>(`/api/v2/workorders/${done.id}/`);
    expect(seen.body.codegen_file).toBe(plain);
    expect((await withheld.client.bytes(plain)).status).toBe(403);
    expect((await withheld.client.bytes(`/api/v2/workorders/${done.id}/serial-numbers/`)).status).toBe(403);

    const granted = await stack.fixtures.printingPartner('Granted Print', 'jobs@granted.example');
    await stack.fixtures.partnership(brand.company, granted.company);
    const open = await createSid(brand, 'DOWNLOAD', granted.company.id);
    await brand.client.waitFor(open.body.id, (w) => w.state === 'completed');
    const mine = await granted.client.get<Workorder>(`/api/v2/workorders/${open.body.id}/`);
    expect(String(mine.body.codegen_file)).toContain('signature=');
    expect((await granted.client.bytes(String(mine.body.codegen_file))).status).toBe(200);
  });
});
