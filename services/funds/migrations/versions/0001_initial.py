"""funds: funds, double-entry ledger, donations, disbursements, org units, outbox, inbox

Revision ID: 0001
Revises:
Create Date: 2026-11-29 18:37:33.584111
"""

import sqlalchemy as sa
from alembic import op

from servicekit import orgunits

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funds',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('unit_code', sa.String(length=20), nullable=False),
    sa.Column('unit_path', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('donor_name', sa.String(length=200), nullable=True),
    sa.Column('description', sa.String(length=1000), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('GENERAL', 'SCHOLARSHIP', 'CLAN', 'SCHOOL', 'OTHER')", name='ck_funds_kind'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_funds_unit_path', 'funds', ['unit_path'], unique=False, postgresql_ops={'unit_path': 'text_pattern_ops'})
    op.create_table('idempotency_keys',
    sa.Column('principal', sa.String(length=100), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('principal', 'key')
    )
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id')
    )
    op.create_table('org_units', *orgunits.org_units_columns())
    op.create_index('ix_org_units_path_prefix', 'org_units', ['path'], unique=False, postgresql_ops={'path': 'text_pattern_ops'})
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('headers', sa.Text(), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_outbox_unpublished', 'outbox', ['id'], unique=False, postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))
    op.create_table('receipt_counters',
    sa.Column('unit_code', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_code', 'year')
    )
    op.create_table('accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('debits_posted', sa.BigInteger(), nullable=False),
    sa.Column('credits_posted', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind <> 'CASH' OR credits_posted <= debits_posted", name='ck_accounts_cash_not_overdrawn'),
    sa.CheckConstraint('debits_posted >= 0 AND credits_posted >= 0', name='ck_accounts_posted_not_negative'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fund_id', 'kind', 'purpose', name='uq_accounts_key')
    )
    op.create_table('transfers',
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('reverses', sa.String(length=200), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('counter_fund_id', sa.Uuid(), nullable=True),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'reversal') = (reverses IS NOT NULL)", name='ck_transfers_reversal_names_original'),
    sa.CheckConstraint('amount_vnd > 0', name='ck_transfers_amount_positive'),
    sa.ForeignKeyConstraint(['counter_fund_id'], ['funds.id'], ),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], ),
    sa.ForeignKeyConstraint(['reverses'], ['transfers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reverses')
    )
    op.create_index('ix_transfers_counter_fund_occurred', 'transfers', ['counter_fund_id', 'occurred_on'], unique=False)
    op.create_index('ix_transfers_fund_occurred', 'transfers', ['fund_id', 'occurred_on'], unique=False)
    op.create_table('disbursements',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('beneficiary_name', sa.String(length=200), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('decision_reference', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejected_by', sa.String(length=100), nullable=True),
    sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.Column('paid_transfer_id', sa.String(length=200), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'PAID') = (paid_transfer_id IS NOT NULL)", name='ck_disbursements_paid_transfer'),
    sa.CheckConstraint('amount_vnd > 0', name='ck_disbursements_amount_positive'),
    sa.CheckConstraint('approved_by IS NULL OR approved_by <> proposed_by', name='ck_disbursements_four_eyes'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], ),
    sa.ForeignKeyConstraint(['paid_transfer_id'], ['transfers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('paid_transfer_id')
    )
    op.create_index('ix_disbursements_fund_status', 'disbursements', ['fund_id', 'status'], unique=False)
    op.create_table('donations',
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('donor_kind', sa.String(length=12), nullable=False),
    sa.Column('donor_name', sa.String(length=200), nullable=True),
    sa.Column('donor_email', sa.String(length=200), nullable=True),
    sa.Column('donor_phone', sa.String(length=20), nullable=True),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('in_kind_description', sa.String(length=500), nullable=True),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('receipt_number', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], ),
    sa.ForeignKeyConstraint(['id'], ['transfers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt_number')
    )
    op.create_index('ix_donations_fund_received', 'donations', ['fund_id', 'received_on'], unique=False)
    op.create_table('postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('transfer_id', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)', name='ck_postings_one_positive_side'),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('transfer_id', 'account_id', name='uq_postings_transfer_account')
    )
    op.create_index(op.f('ix_postings_account_id'), 'postings', ['account_id'], unique=False)
    op.create_index(op.f('ix_postings_transfer_id'), 'postings', ['transfer_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_postings_transfer_id'), table_name='postings')
    op.drop_index(op.f('ix_postings_account_id'), table_name='postings')
    op.drop_table('postings')
    op.drop_index('ix_donations_fund_received', table_name='donations')
    op.drop_table('donations')
    op.drop_index('ix_disbursements_fund_status', table_name='disbursements')
    op.drop_table('disbursements')
    op.drop_index('ix_transfers_fund_occurred', table_name='transfers')
    op.drop_index('ix_transfers_counter_fund_occurred', table_name='transfers')
    op.drop_table('transfers')
    op.drop_table('accounts')
    op.drop_table('receipt_counters')
    op.drop_index('ix_outbox_unpublished', table_name='outbox', postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))
    op.drop_table('outbox')
    op.drop_index('ix_org_units_path_prefix', table_name='org_units', postgresql_ops={'path': 'text_pattern_ops'})
    op.drop_table('org_units')
    op.drop_table('inbox')
    op.drop_table('idempotency_keys')
    op.drop_index('ix_funds_unit_path', table_name='funds', postgresql_ops={'unit_path': 'text_pattern_ops'})
    op.drop_table('funds')
