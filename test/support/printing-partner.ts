/**
 * SSC fixtures: a printing partner with its token, equipment, substrates and calibrations, made
 * through the operator CLI as an operator would.
 */
import { Client, Connection } from '@temporalio/client';
import { ApiClient, type Stack } from './stack';

export const PARTNER_PERMISSIONS = [
  'workorder_view',
  'workorder_edit',
  'workorder_cancel',
  'workorder_archive',
  'workorder_download',
];

export interface Partner {
  company: Record<string, unknown>;
  id: number;
  email: string;
  client: ApiClient;
}

export function printingPartner(stack: Stack, name: string, email: string): Partner {
  const company = stack.admin(
    'company',
    'create',
    '--name',
    name,
    '--type',
    'printing_partner',
    '--email',
    email,
  );
  const token = stack.admin(
    'token',
    'create',
    '--company',
    String(company.id),
    '--permissions',
    PARTNER_PERMISSIONS.join(','),
  );
  return {
    company,
    id: company.id as number,
    email,
    client: new ApiClient(stack.baseUrl, token.token as string),
  };
}

export function equipment(stack: Stack, partner: Partner, name: string, dpi: number): number {
  return stack.admin(
    'equipment',
    'create',
    '--company',
    String(partner.id),
    '--name',
    name,
    '--dpi',
    String(dpi),
  ).id as number;
}

export function substrate(stack: Stack, partner: Partner, name: string): number {
  return stack.admin('substrate', 'create', '--company', String(partner.id), '--name', name).id as number;
}

export function calibration(
  stack: Stack,
  equipmentId: number,
  substrateId: number,
  ...flags: string[]
): Record<string, unknown> {
  return stack.admin(
    'calibration',
    'create',
    '--equipment',
    String(equipmentId),
    '--substrate',
    String(substrateId),
    ...flags,
  );
}

/** A Temporal client on the stack's server, for what operators do in the Web UI or CLI. */
export async function withTemporal<T>(stack: Stack, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}
