{#- One row per month (var kpi_history_months back to the as-of month) and tier
    group (tier_1, tier_2, tier_3, not_target, and all_targets = tiers 1-3
    together): the ABM KPIs of the accounts in that group.
    Attribution: an event counts for the tier its account had in the latest
    account_tiers run on or before the month's end (tier_basis run). Months before
    the first run are backfilled from the first run's rule_tier (tier_basis
    rules_backfill): the rules alone, before capacity, overrides and the
    customer exclusion, because a customer's current not_target says nothing
    about the account before it bought (else every past win would land in
    not_target). Deals: types of kpi_is_counted_opportunity(), closed in the
    future or without an account left out; amounts negative or absurd unknown. -#}
{{
    config(
        tags=['bi'],
    )
}}
{%- set months_back = var('kpi_history_months') | int -%}
{%- set double = identity_type_double() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set groups = [
    ('tier_1', 'tier_1'), ('tier_1', 'all_targets'), ('tier_2', 'tier_2'), ('tier_2', 'all_targets'),
    ('tier_3', 'tier_3'), ('tier_3', 'all_targets'), ('not_target', 'not_target')] -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

tier_history as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    cross join as_of
    where account_tiers.as_of_date <= as_of.as_of_date
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where account_id is not null and not is_closed_in_future
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
    where account_id is not null
),

snapshots as (
    select * from {{ ref('int_account_snapshots') }}
),

journey as (
    select account_journey.*
    from {{ ref('account_journey') }} as account_journey
    inner join as_of
        on account_journey.as_of_date = as_of.as_of_date
),

program_plan as (
    select * from {{ ref('account_program_plan') }}
    where plan_tier != 'expansion'
),

month_numbers as (
    {{ dbt.generate_series(months_back + 1) }}
),

months as (
    select
        cast({{ dbt.dateadd(
            'month',
            '-1 * (' ~ (months_back + 1) ~ ' - month_numbers.generated_number)',
            dbt.date_trunc('month', 'as_of.as_of_date')) }} as date) as month_start_date
    from month_numbers
    cross join as_of
),

month_bounds as (
    select
        months.month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start_date')) }} as date) as month_end_date
    from months
),

runs as (
    select distinct tier_history.as_of_date as run_date
    from tier_history
),

month_runs as (
    select
        month_bounds.month_start_date,
        month_bounds.month_end_date,
        coalesce(
            max(case when runs.run_date <= month_bounds.month_end_date then runs.run_date end),
            min(runs.run_date)
        ) as tier_run_date,
        case
            when max(case when runs.run_date <= month_bounds.month_end_date then runs.run_date end) is null
                then 'rules_backfill'
            else 'run'
        end as tier_basis
    from month_bounds
    cross join runs
    group by month_bounds.month_start_date, month_bounds.month_end_date
),

counted_opportunities as (
    select opportunities.*
    from opportunities
    where {{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}
),

created_facts as (
    select
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.created_date') }} as date) as month_start_date,
        count(*) as opportunities_created,
        cast(sum(cast(
            counted_opportunities.amount_usable
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as pipeline_created_usd
    from counted_opportunities
    cross join as_of
    where counted_opportunities.created_date <= as_of.as_of_date
    group by
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.created_date') }} as date)
),

closed_facts as (
    select
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.close_date') }} as date) as month_start_date,
        count(*) as closed_deals,
        sum(case when counted_opportunities.is_won then 1 else 0 end) as won_deals,
        cast(sum(cast(
            case when counted_opportunities.is_won then counted_opportunities.amount_usable end
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) as won_amount_usd,
        sum(
            case when counted_opportunities.is_won and counted_opportunities.amount_usable is not null then 1 else 0 end
        ) as won_deals_with_amount,
        sum(case
            when counted_opportunities.is_won
                then {{ dbt.datediff('counted_opportunities.created_date', 'counted_opportunities.close_date', 'day') }}
        end) as won_cycle_days
    from counted_opportunities
    cross join as_of
    where
        counted_opportunities.is_closed
        and counted_opportunities.close_date <= as_of.as_of_date
        and counted_opportunities.created_date <= counted_opportunities.close_date
    group by
        counted_opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'counted_opportunities.close_date') }} as date)
),

-- Every won deal (any type) counts for lifetime value and for being active.
won_deals as (
    select
        opportunities.account_id,
        opportunities.close_date,
        opportunities.amount_usable
    from opportunities
    cross join as_of
    where opportunities.is_won and opportunities.close_date <= as_of.as_of_date
),

customer_facts as (
    select
        customer_months.account_id,
        customer_months.month_start_date,
        1 as active_customers,
        customer_months.lifetime_value_usd
    from (
        select
            won_deals.account_id,
            month_bounds.month_start_date,
            month_bounds.month_end_date,
            max(won_deals.close_date) as last_won_date,
            cast(sum(cast(
                won_deals.amount_usable
                as {{ exact_decimal() }}
            )) as {{ identity_type_double() }}) as lifetime_value_usd
        from won_deals
        inner join month_bounds
            on won_deals.close_date <= month_bounds.month_end_date
        group by won_deals.account_id, month_bounds.month_start_date, month_bounds.month_end_date
    ) as customer_months
    where
        customer_months.last_won_date
        > {{ dbt.dateadd('day', -1 * var('kpi_active_customer_window_days'), 'customer_months.month_end_date') }}
),

contact_months as (
    select
        contacts.account_id,
        cast({{ dbt.date_trunc('month', 'contacts.created_at') }} as date) as created_month_start_date,
        count(*) as contact_count
    from contacts
    cross join as_of
    where cast(contacts.created_at as date) <= as_of.as_of_date
    group by contacts.account_id, cast({{ dbt.date_trunc('month', 'contacts.created_at') }} as date)
),

contact_facts as (
    select
        contact_months.account_id,
        month_bounds.month_start_date,
        sum(contact_months.contact_count) as contacts
    from contact_months
    inner join month_bounds
        on contact_months.created_month_start_date <= month_bounds.month_start_date
    group by contact_months.account_id, month_bounds.month_start_date
),

-- Buying roles: the latest snapshot inside the month (none: unknown).
role_facts as (
    select
        ranked.account_id,
        ranked.month_start_date,
        ranked.buying_roles_covered
    from (
        select
            snapshots.account_id,
            month_bounds.month_start_date,
            snapshots.buying_roles_covered,
            row_number() over (
                partition by snapshots.account_id, month_bounds.month_start_date
                order by snapshots.as_of_date desc
            ) as snapshot_rank
        from snapshots
        cross join as_of
        inner join month_bounds
            on
                snapshots.as_of_date >= month_bounds.month_start_date
                and snapshots.as_of_date <= month_bounds.month_end_date
        where snapshots.as_of_date <= as_of.as_of_date
    ) as ranked
    where ranked.snapshot_rank = 1
),

mqa_facts as (
    select
        journey.account_id,
        cast({{ dbt.date_trunc('month', 'journey.mqa_entered_date') }} as date) as month_start_date,
        1 as mqa_accounts,
        max(case when counted_opportunities.opportunity_id is not null then 1 else 0 end) as mqa_converted_accounts
    from journey
    cross join as_of
    left join counted_opportunities
        on
            journey.account_id = counted_opportunities.account_id
            and journey.mqa_entered_date <= counted_opportunities.created_date
            and {{ dbt.dateadd('day', var('kpi_mqa_conversion_window_days'), 'journey.mqa_entered_date') }}
            >= counted_opportunities.created_date
            and as_of.as_of_date >= counted_opportunities.created_date
    where journey.mqa_entered_date is not null
    group by journey.account_id, cast({{ dbt.date_trunc('month', 'journey.mqa_entered_date') }} as date)
),

-- The quarter's planned cost, a third to each month of the quarter up to the as-of month.
cost_facts as (
    select
        program_plan.account_id,
        month_bounds.month_start_date,
        cast(sum(cast(
            program_plan.planned_cost_usd
            as {{ exact_decimal() }}
        )) as {{ identity_type_double() }}) / 3 as program_cost_usd
    from program_plan
    cross join as_of
    inner join month_bounds
        on
            program_plan.quarter_start_date <= month_bounds.month_start_date
            and {{ dbt.dateadd('month', 3, 'program_plan.quarter_start_date') }} > month_bounds.month_start_date
            and as_of.as_of_date >= month_bounds.month_start_date
    group by program_plan.account_id, month_bounds.month_start_date
),

account_month_facts as (
    {%- set measures = [
        'opportunities_created', 'pipeline_created_usd', 'closed_deals', 'won_deals', 'won_amount_usd',
        'won_deals_with_amount', 'won_cycle_days', 'active_customers', 'lifetime_value_usd', 'contacts',
        'buying_roles_covered', 'mqa_accounts', 'mqa_converted_accounts', 'program_cost_usd'] -%}
    {%- set sources = {
        'created_facts': ['opportunities_created', 'pipeline_created_usd'],
        'closed_facts': ['closed_deals', 'won_deals', 'won_amount_usd', 'won_deals_with_amount', 'won_cycle_days'],
        'customer_facts': ['active_customers', 'lifetime_value_usd'],
        'contact_facts': ['contacts'],
        'role_facts': ['buying_roles_covered'],
        'mqa_facts': ['mqa_accounts', 'mqa_converted_accounts'],
        'cost_facts': ['program_cost_usd'],
    } -%}
    {%- for source, provided in sources.items() %}
        select
            {%- for measure in measures %}
                cast({{ source ~ '.' ~ measure if measure in provided else 'null' }} as {{ double }}) as {{ measure }},
            {%- endfor %}
            {{ source }}.account_id,
            {{ source }}.month_start_date
        from {{ source }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}
),

attributed as (
    select
        account_month_facts.*,
        case
            when month_runs.tier_basis = 'rules_backfill' then tier_history.rule_tier
            else tier_history.tier
        end as kpi_tier
    from account_month_facts
    inner join month_runs
        on account_month_facts.month_start_date = month_runs.month_start_date
    left join tier_history
        on
            account_month_facts.account_id = tier_history.account_id
            and month_runs.tier_run_date = tier_history.as_of_date
),

tier_groups as (
    {%- for kpi_tier, tier_group in groups %}
        select
            '{{ kpi_tier }}' as kpi_tier,
            '{{ tier_group }}' as tier_group
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

group_facts as (
    select
        attributed.month_start_date,
        tier_groups.tier_group,
        {%- for measure in measures %}
            {%- if measure.endswith('_usd') %}
                cast(sum(cast(attributed.{{ measure }} as {{ exact_decimal() }})) as {{ identity_type_double() }})
                    as {{ measure }},
            {%- else %}
                sum(attributed.{{ measure }}) as {{ measure }},
            {%- endif %}
        {%- endfor %}
        sum(case when attributed.buying_roles_covered is not null then 1 else 0 end) as accounts_with_snapshot
    from attributed
    inner join tier_groups
        on coalesce(attributed.kpi_tier, 'not_target') = tier_groups.kpi_tier
    group by attributed.month_start_date, tier_groups.tier_group
),

distinct_groups as (
    select distinct tier_groups.tier_group
    from tier_groups
),

run_group_sizes as (
    select
        tier_history.as_of_date as run_date,
        tier_groups.tier_group,
        sum(case when tier_history.tier = tier_groups.kpi_tier then 1 else 0 end) as run_accounts,
        sum(case when tier_history.rule_tier = tier_groups.kpi_tier then 1 else 0 end) as rule_accounts
    from tier_history
    cross join tier_groups
    group by tier_history.as_of_date, tier_groups.tier_group
),

grid as (
    select
        month_runs.month_start_date,
        month_runs.month_end_date,
        month_runs.tier_run_date,
        month_runs.tier_basis,
        distinct_groups.tier_group,
        case
            when month_runs.tier_basis = 'rules_backfill' then run_group_sizes.rule_accounts
            else run_group_sizes.run_accounts
        end as account_count
    from month_runs
    cross join distinct_groups
    left join run_group_sizes
        on
            month_runs.tier_run_date = run_group_sizes.run_date
            and distinct_groups.tier_group = run_group_sizes.tier_group
),

final as (
    select
        {{ dbt.concat(["cast(grid.month_start_date as " ~ dbt.type_string() ~ ")", "'|'", "grid.tier_group"]) }}
            as kpi_row_id,
        grid.month_start_date,
        grid.month_end_date,
        grid.tier_group,
        grid.tier_group != 'not_target' as is_target,
        grid.tier_basis,
        grid.tier_run_date,
        cast(coalesce(grid.account_count, 0) as {{ bigint }}) as account_count,
        cast(coalesce(group_facts.opportunities_created, 0) as {{ bigint }}) as opportunities_created,
        cast(coalesce(group_facts.pipeline_created_usd, 0) as {{ double }}) as pipeline_created_usd,
        cast(coalesce(group_facts.closed_deals, 0) as {{ bigint }}) as closed_deals,
        cast(coalesce(group_facts.won_deals, 0) as {{ bigint }}) as won_deals,
        cast(group_facts.won_deals / nullif(group_facts.closed_deals, 0) as {{ double }}) as win_rate,
        cast(coalesce(group_facts.won_amount_usd, 0) as {{ double }}) as won_amount_usd,
        cast(
            group_facts.won_amount_usd / nullif(group_facts.won_deals_with_amount, 0) as {{ double }}
        ) as average_deal_size_usd,
        cast(group_facts.won_cycle_days / nullif(group_facts.won_deals, 0) as {{ double }}) as sales_cycle_days,
        cast(coalesce(group_facts.active_customers, 0) as {{ bigint }}) as active_customers,
        cast(coalesce(group_facts.lifetime_value_usd, 0) as {{ double }}) as lifetime_value_usd,
        cast(
            group_facts.lifetime_value_usd / nullif(group_facts.active_customers, 0) as {{ double }}
        ) as average_lifetime_value_usd,
        cast(coalesce(group_facts.contacts, 0) as {{ bigint }}) as contacts,
        cast(coalesce(group_facts.contacts, 0) / nullif(grid.account_count, 0) as {{ double }}) as contacts_per_account,
        cast(case
            when coalesce(group_facts.accounts_with_snapshot, 0) > 0
                then group_facts.buying_roles_covered / nullif(grid.account_count, 0)
        end as {{ double }}) as buying_roles_per_account,
        cast(coalesce(group_facts.mqa_accounts, 0) as {{ bigint }}) as mqa_accounts,
        cast(coalesce(group_facts.mqa_converted_accounts, 0) as {{ bigint }}) as mqa_converted_accounts,
        cast(
            group_facts.mqa_converted_accounts / nullif(group_facts.mqa_accounts, 0) as {{ double }}
        ) as mqa_to_opportunity_rate,
        cast(group_facts.program_cost_usd as {{ double }}) as program_cost_usd,
        cast(
            group_facts.program_cost_usd / nullif(group_facts.opportunities_created, 0) as {{ double }}
        ) as program_cost_per_opportunity_usd
    from grid
    left join group_facts
        on
            grid.month_start_date = group_facts.month_start_date
            and grid.tier_group = group_facts.tier_group
)

select * from final
