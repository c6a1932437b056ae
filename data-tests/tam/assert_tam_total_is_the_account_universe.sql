-- The total row of tam_summary counts every universe account once, and the CRM
-- part counts every CRM master: the market is dim_accounts, nothing more or less.
with

tam as (
    select * from {{ ref('tam_summary') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

universe as (
    select
        count(*) as account_count,
        sum(case when accounts.is_in_crm then 1 else 0 end) as crm_account_count
    from accounts
),

totals as (
    select
        count(*) as total_rows,
        max(tam.account_count) as account_count,
        max(tam.crm_account_count) as crm_account_count
    from tam
    where tam.dimension = 'total'
),

final as (
    select
        totals.total_rows,
        totals.account_count,
        universe.account_count as universe_account_count,
        totals.crm_account_count,
        universe.crm_account_count as universe_crm_account_count
    from totals
    cross join universe
    where
        (universe.account_count > 0 and totals.total_rows != 1)
        or coalesce(totals.account_count, 0) != universe.account_count
        or coalesce(totals.crm_account_count, 0) != coalesce(universe.crm_account_count, 0)
)

select * from final
