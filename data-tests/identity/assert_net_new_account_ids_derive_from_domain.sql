-- A company known only by its domain keeps the same id on every run: the id is
-- derived from the domain alone.
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        accounts.account_id,
        accounts.domain
    from accounts
    where
        not accounts.is_in_crm
        and (
            accounts.domain is null
            or accounts.account_id != {{ domain_account_id('accounts.domain') }}
        )
)

select * from final
