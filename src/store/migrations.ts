import {
  Kysely,
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Dialect } from './database';
import { newInvitationCode } from './partnerships';

/** Migrations live in code (not files) so the compiled service and the tests run the same list. */
function migrations(dialect: Dialect): Record<string, Migration> {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  // PostgreSQL's serial is its own sequence; SQLite needs AUTOINCREMENT so ids are never reused.
  const pk = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '001_core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('companies')
          .addColumn('id', id, pk)
          .addColumn('uuid', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('slug', 'text', (c) => c.notNull())
          .addColumn('company_type', 'text', (c) => c.notNull())
          .addColumn('email', 'text')
          .addColumn('country', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('city', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('website', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('tokens')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('token_prefix', 'text', (c) => c.notNull())
          .addColumn('permissions', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('templates')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('code_layout', 'text', (c) => c.notNull())
          .addColumn('use_serial_number', 'integer', (c) => c.notNull())
          .addColumn('activate_on_complete', 'integer', (c) => c.notNull())
          .addColumn('is_static_print', 'integer', (c) => c.notNull())
          .addColumn('is_hybrid', 'integer', (c) => c.notNull())
          .addColumn('url_prefix', 'text', (c) => c.notNull())
          .addColumn('printing_partner_id', 'integer', (c) => c.references('companies.id'))
          .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('counters')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', big, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('workorders')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('printing_partner_id', 'integer', (c) => c.references('companies.id'))
          .addColumn('template_id', 'integer', (c) => c.references('templates.id'))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('remarks', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('quantity', 'integer', (c) => c.notNull())
          .addColumn('due_date', 'text')
          .addColumn('total_impressions', 'integer')
          .addColumn('code_layout', 'text', (c) => c.notNull())
          .addColumn('use_serial_number', 'integer', (c) => c.notNull())
          .addColumn('activate_on_complete', 'integer', (c) => c.notNull())
          .addColumn('is_static_print', 'integer', (c) => c.notNull())
          .addColumn('is_hybrid', 'integer', (c) => c.notNull())
          .addColumn('url_prefix', 'text', (c) => c.notNull())
          .addColumn('product_id', 'integer')
          .addColumn('brand_id', 'integer')
          .addColumn('code_index_start', big, (c) => c.notNull())
          .addColumn('serial_start', big)
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('workflow_id', 'text', (c) => c.notNull())
          .addColumn('workflow_started', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('codegen_status', 'integer', (c) => c.notNull())
          .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('progress_codes', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('progress_batches_completed', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('progress_batches_total', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cancel_reason', 'text')
          .addColumn('failure', 'text')
          .addColumn('external_id', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('equipment_id', 'integer')
          .addColumn('substrate_id', 'integer')
          .addColumn('printer_json', 'text')
          .addColumn('zip_key', 'text')
          .addColumn('zip_sha256', 'text')
          .addColumn('zip_size', big)
          .addColumn('date_codes_completed', 'text')
          .addColumn('printed_date', 'text')
          .addColumn('completed_date', 'text')
          .addColumn('canceled_date', 'text')
          .addColumn('snapshot_revision', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('workorders_company_reference', ['company_id', 'reference'])
          .execute();
        await db.schema
          .createIndex('workorders_partner')
          .on('workorders')
          .columns(['printing_partner_id', 'id'])
          .execute();
        await db.schema
          .createIndex('workorders_code_index')
          .on('workorders')
          .column('code_index_start')
          .execute();
        await db.schema
          .createIndex('workorders_unstarted')
          .on('workorders')
          .column('workflow_started')
          .execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('company_id', 'integer', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('response_status', 'integer')
          .addColumn('response_body', 'text')
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['company_id', 'idempotency_key'])
          .execute();
        await db.schema
          .createTable('email_log')
          .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await sql`insert into counters (name, value) values ('code_index', 0)`.execute(db);
      },
    },
    '002_products': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('brands')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('image', 'text')
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addUniqueConstraint('brands_company_name', ['company_id', 'name'])
          .execute();
        await db.schema
          .createTable('products')
          .addColumn('id', id, pk)
          .addColumn('uuid', 'text', (c) => c.notNull().unique())
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('brand_id', 'integer', (c) => c.notNull().references('brands.id'))
          .addColumn('sku', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('label', 'text')
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('client_url', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('image_key', 'text')
          .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          // The database, not a pre-check, decides between concurrent POSTs of one SKU.
          .addUniqueConstraint('products_company_sku', ['company_id', 'sku'])
          .execute();
        await db.schema
          .createIndex('workorders_product')
          .on('workorders')
          .columns(['product_id', 'state'])
          .execute();
      },
    },
    '003_printing': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('equipment')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('dpi', 'integer', (c) => c.notNull())
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('substrates')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('calibrations')
          .addColumn('id', id, pk)
          .addColumn('equipment_id', 'integer', (c) => c.notNull().references('equipment.id'))
          .addColumn('substrate_id', 'integer', (c) => c.notNull().references('substrates.id'))
          .addColumn('parameters', 'text', (c) => c.notNull())
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addUniqueConstraint('calibrations_equipment_substrate', ['equipment_id', 'substrate_id'])
          .execute();
        await db.schema
          .createIndex('equipment_company')
          .on('equipment')
          .columns(['company_id', 'id'])
          .execute();
        await db.schema
          .createIndex('substrates_company')
          .on('substrates')
          .columns(['company_id', 'id'])
          .execute();
      },
    },
    '004_code_status': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('code_status_changes')
          .addColumn('id', id, pk)
          .addColumn('workorder_id', 'integer', (c) => c.notNull().references('workorders.id'))
          .addColumn('first_sequence', 'integer', (c) => c.notNull())
          .addColumn('last_sequence', 'integer', (c) => c.notNull())
          .addColumn('activation_status', 'integer', (c) => c.notNull())
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('code_status_changes_workorder')
          .on('code_status_changes')
          .columns(['workorder_id', 'id'])
          .execute();
      },
    },
    '005_partnerships': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('partnerships')
          .addColumn('id', id, pk)
          .addColumn('brand_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('partner_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('permissions', 'text', (c) => c.notNull())
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          // One row per pair: inviting again after a decline or an end reopens it.
          .addUniqueConstraint('partnerships_pair', ['brand_id', 'partner_id'])
          .execute();
        await db.schema
          .createIndex('partnerships_partner')
          .on('partnerships')
          .columns(['partner_id', 'id'])
          .execute();
        await db.schema.alterTable('companies').addColumn('invitation_code', 'text').execute();
        const partners = await sql<{ id: number }>`
          select id from companies where company_type = 'printing_partner'`.execute(db);
        for (const { id: partnerId } of partners.rows) {
          await sql`update companies set invitation_code = ${newInvitationCode()} where id = ${partnerId}`.execute(
            db,
          );
        }
        await db.schema
          .createIndex('companies_invitation_code')
          .on('companies')
          .column('invitation_code')
          .unique()
          .execute();
      },
    },
    '006_throttle_windows': {
      async up(db: Kysely<unknown>) {
        // One row per token: its current one-minute window, shared by every API process.
        await db.schema
          .createTable('throttle_windows')
          .addColumn('token_key', 'text', (c) => c.primaryKey())
          .addColumn('window_start', big, (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('throttle_windows_start')
          .on('throttle_windows')
          .column('window_start')
          .execute();
      },
    },
    '007_retention': {
      async up(db: Kysely<unknown>) {
        // When the workorder was archived (its zip's retention counts from then) and when the zip was
        // removed by the retention sweep (null while it is in the store).
        await db.schema.alterTable('workorders').addColumn('archived_date', 'text').execute();
        await db.schema.alterTable('workorders').addColumn('zip_removed_at', 'text').execute();
        await db.schema.alterTable('workorders').addColumn('zip_rebuilt_at', 'text').execute();
        await sql`update workorders set archived_date = updated_at where is_archived = 1`.execute(db);
        await db.schema
          .createIndex('workorders_archived_date')
          .on('workorders')
          .column('archived_date')
          .execute();
        await db.schema
          .createIndex('idempotency_keys_creation_date')
          .on('idempotency_keys')
          .column('creation_date')
          .execute();
      },
    },
    '008_webhooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', id, pk)
          .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('disabled_reason', 'text')
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('webhook_endpoints_company')
          .on('webhook_endpoints')
          .columns(['company_id', 'id'])
          .execute();
        // The outbox: one row per event and endpoint, written with the workorder's change.
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', id, pk)
          .addColumn('endpoint_id', 'integer', (c) =>
            c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
          )
          .addColumn('workorder_id', 'integer', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_status_code', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('last_response', 'text')
          .addColumn('next_attempt_at', 'text')
          .addColumn('creation_date', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          // A retried record of the same change adds nothing.
          .addUniqueConstraint('webhook_deliveries_message', ['endpoint_id', 'message_id'])
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_stream')
          .on('webhook_deliveries')
          .columns(['endpoint_id', 'workorder_id', 'status', 'id'])
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_workorder')
          .on('webhook_deliveries')
          .columns(['workorder_id', 'revision'])
          .execute();
      },
    },
    '009_secure_graphic_version': {
      async up(db: Kysely<unknown>) {
        // Existing workorders keep version 1 drawing, so their zips rebuild byte for byte; new rows
        // are inserted with version 2 (a per-workorder key the offline generator gets in the zip).
        await db.schema
          .alterTable('workorders')
          .addColumn('secure_graphic_version', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
    },
    '010_partner_setup': {
      async up(db: Kysely<unknown>) {
        // Partners manage their presses and substrates themselves: archived, never deleted, while
        // workorders name them.
        await db.schema
          .alterTable('equipment')
          .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema
          .alterTable('equipment')
          .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema.alterTable('equipment').addColumn('archived_at', 'text').execute();
        await db.schema.alterTable('substrates').addColumn('archived_at', 'text').execute();
        // A calibration is a step: requested (a chart to print), measured, perhaps approved, perhaps
        // expiring. Rows made before are measured and active already.
        await db.schema
          .alterTable('calibrations')
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
          .execute();
        await db.schema.alterTable('calibrations').addColumn('measured_at', 'text').execute();
        await db.schema.alterTable('calibrations').addColumn('approved_at', 'text').execute();
        await db.schema.alterTable('calibrations').addColumn('valid_until', 'text').execute();
        // A template may ask for calibrations an operator approved (seed 002's Scantrust engineers).
        await db.schema
          .alterTable('templates')
          .addColumn('calibration_approval', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const list = migrations(dialect);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(list) };
  const migrator = new Migrator({ db, provider });
  let { error, results } = await migrator.migrateToLatest();
  // The API and the worker both migrate at start; on a new SQLite file the loser of that race fails
  // on a table the winner just made (or on the lock), and a second pass finds nothing left to do.
  for (let attempt = 1; error && attempt <= 3; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`Database migration failed: ${reason}`);
  }
}
