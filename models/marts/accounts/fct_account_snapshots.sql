{#- One row per universe account per as-of date: the published form of
    int_account_snapshots (where the logic and its unit tests live). Incremental by as_of_date:
    a run adds or replaces its own date and keeps earlier dates as history. -#}
{{ config(**partitioned_incremental('as_of_date')) }}
-- depends_on: {{ ref('int_as_of_date') }}
with

account_snapshots as (
    select * from {{ ref('int_account_snapshots') }}
    {% if is_incremental() -%}
    where as_of_date = {{ as_of_date() }}
    {%- endif %}
),

final as (
    select
        account_id,
        as_of_date,
        first_won_date,
        last_won_date,
        deal_cycles,
        lifetime_value,
        average_annual_contract_value,
        open_pipeline,
        won_deal_count,
        closed_deal_count,
        win_rate,
        last_touch_date,
        days_since_last_touch,
        known_contacts,
        engaged_contacts_90d,
        has_it_role,
        has_finance_role,
        has_marketing_role,
        has_sales_role,
        has_executive_role,
        buying_roles_covered,
        is_customer
    from account_snapshots
)

select * from final
