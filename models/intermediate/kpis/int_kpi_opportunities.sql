{#- One row per CRM opportunity the KPIs can see: it has an account and is not
    closed in the future. is_counted: its type counts as pipeline, win rate,
    deal size and cycle (macro kpi_is_counted_opportunity); every won deal,
    counted or not, still counts for lifetime value and active customers.
    Negative or absurd amounts are unknown (amount_usable). -#}
with

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.opportunity_type,
        opportunities.amount_usable,
        opportunities.is_closed,
        opportunities.is_won,
        coalesce({{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}, false) as is_counted,
        opportunities.created_date,
        opportunities.close_date
    from opportunities
    where opportunities.account_id is not null and not opportunities.is_closed_in_future
)

select * from final
