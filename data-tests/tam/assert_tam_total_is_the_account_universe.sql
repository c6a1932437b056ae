-- tam_summary is SUM-safe: summed over all its rows it counts every universe
-- account once, every CRM master, every customer and every known employee -
-- the market is dim_accounts, nothing more or less. Returns what does not add up.
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
        coalesce(sum(case when accounts.is_in_crm then 1 else 0 end), 0) as crm_account_count,
        coalesce(sum(case when accounts.is_customer then 1 else 0 end), 0) as customer_account_count,
        coalesce(sum(accounts.employee_count), 0) as employee_count
    from accounts
),

sums as (
    select
        coalesce(sum(tam.account_count), 0) as account_count,
        coalesce(sum(tam.crm_account_count), 0) as crm_account_count,
        coalesce(sum(tam.customer_account_count), 0) as customer_account_count,
        coalesce(sum(tam.employee_count), 0) as employee_count
    from tam
),

final as (
    select
        sums.account_count,
        universe.account_count as universe_account_count,
        sums.crm_account_count,
        universe.crm_account_count as universe_crm_account_count,
        sums.customer_account_count,
        universe.customer_account_count as universe_customer_account_count,
        sums.employee_count,
        universe.employee_count as universe_employee_count
    from sums
    cross join universe
    where
        sums.account_count != universe.account_count
        or sums.crm_account_count != universe.crm_account_count
        or sums.customer_account_count != universe.customer_account_count
        or sums.employee_count != universe.employee_count
)

select * from final
