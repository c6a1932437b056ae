{#- One row per universe account per as-of date. Incremental by as_of_date:
    a run for a new date adds its rows, a re-run for the same date replaces them.
    As of D: a deal is won when is_won and close_date <= D, open when created by D
    and not closed by D; amounts flagged negative or absurd count as unknown, and
    deals closed in the future or without an account are left out (see
    data_quality_issues). -#}
{{ config(**partitioned_incremental('as_of_date')) }}
{%- set roles = ['it', 'finance', 'marketing', 'sales', 'executive'] -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

universe as (
    select * from {{ ref('int_account_universe') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where account_id is not null and not is_closed_in_future
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
    where account_id is not null
),

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null
),

tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

buying_roles as (
    select * from {{ ref('int_contact_buying_roles') }}
    where account_id is not null
),

opportunity_facts as (
    select
        opportunities.account_id,
        min(case
            when opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                then opportunities.close_date
        end) as first_won_date,
        max(case
            when opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                then opportunities.close_date
        end) as last_won_date,
        sum(case
            when
                opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                and opportunities.opportunity_type in ('new_business', 'renewal')
                then 1
            else 0
        end) as deal_cycles,
        cast(sum(cast(case
            when opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                then opportunities.amount_usable
        end as {{ exact_decimal() }})) as {{ type_double() }}) as lifetime_value,
        cast(avg(cast(case
            when
                opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                and opportunities.opportunity_type in ('new_business', 'renewal')
                then opportunities.amount_usable
        end as {{ exact_decimal() }})) as {{ type_double() }}) as average_annual_contract_value,
        cast(sum(cast(case
            when
                opportunities.created_date <= as_of.as_of_date
                and not (opportunities.is_closed and opportunities.close_date <= as_of.as_of_date)
                then opportunities.amount_usable
        end as {{ exact_decimal() }})) as {{ type_double() }}) as open_pipeline,
        sum(case
            when opportunities.is_won and opportunities.close_date <= as_of.as_of_date
                then 1
            else 0
        end) as won_deal_count,
        sum(case
            when opportunities.is_closed and opportunities.close_date <= as_of.as_of_date
                then 1
            else 0
        end) as closed_deal_count
    from opportunities
    cross join as_of
    group by opportunities.account_id
),

task_touches as (
    select
        coalesce(task_accounts.account_id, task_contacts.account_id) as account_id,
        task_contacts.contact_id,
        tasks.activity_date
    from tasks
    left join crm_map as task_accounts
        on tasks.account_id = task_accounts.source_account_id
    left join contacts as task_contacts
        on tasks.who_id = task_contacts.contact_id
),

touches as (
    select
        activities.account_id,
        activities.contact_id,
        activities.activity_date
    from activities

    union all

    select
        task_touches.account_id,
        task_touches.contact_id,
        task_touches.activity_date
    from task_touches
    where task_touches.account_id is not null
),

touch_facts as (
    select
        touches.account_id,
        max(touches.activity_date) as last_touch_date,
        count(distinct case
            when
                touches.activity_date
                > {{ dbt.dateadd('day', -1 * var('identity_engaged_window_days'), 'as_of.as_of_date') }}
                then touches.contact_id
        end) as engaged_contacts_90d
    from touches
    cross join as_of
    where touches.activity_date <= as_of.as_of_date
    group by touches.account_id
),

known_contacts as (
    select
        contacts.account_id,
        contacts.contact_id
    from contacts
    cross join as_of
    where contacts.created_at is null or cast(contacts.created_at as date) <= as_of.as_of_date
),

contact_roles as (
    select distinct
        buying_roles.account_id,
        buying_roles.buying_role
    from buying_roles
    cross join as_of
    where buying_roles.created_at is null or cast(buying_roles.created_at as date) <= as_of.as_of_date
),

contact_facts as (
    select
        known_contacts.account_id,
        count(distinct known_contacts.contact_id) as known_contacts
    from known_contacts
    group by known_contacts.account_id
),

role_facts as (
    select
        contact_roles.account_id,
        {%- for role in roles %}
            max(case when contact_roles.buying_role = '{{ role }}' then 1 else 0 end) = 1 as has_{{ role }}_role,
        {%- endfor %}
        count(distinct contact_roles.buying_role) as buying_roles_covered
    from contact_roles
    group by contact_roles.account_id
),

final as (
    select
        universe.account_id,
        as_of.as_of_date,
        opportunity_facts.first_won_date,
        opportunity_facts.last_won_date,
        cast(coalesce(opportunity_facts.deal_cycles, 0) as {{ dbt.type_int() }}) as deal_cycles,
        cast(coalesce(opportunity_facts.lifetime_value, 0) as {{ type_double() }}) as lifetime_value,
        cast(
            opportunity_facts.average_annual_contract_value as {{ type_double() }}
        ) as average_annual_contract_value,
        cast(coalesce(opportunity_facts.open_pipeline, 0) as {{ type_double() }}) as open_pipeline,
        cast(coalesce(opportunity_facts.won_deal_count, 0) as {{ dbt.type_int() }}) as won_deal_count,
        cast(coalesce(opportunity_facts.closed_deal_count, 0) as {{ dbt.type_int() }}) as closed_deal_count,
        cast(
            case
                when opportunity_facts.closed_deal_count > 0
                    then 1.0 * opportunity_facts.won_deal_count / opportunity_facts.closed_deal_count
            end as {{ type_double() }}
        ) as win_rate,
        touch_facts.last_touch_date,
        cast(
            {{ dbt.datediff('touch_facts.last_touch_date', 'as_of.as_of_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as days_since_last_touch,
        cast(coalesce(contact_facts.known_contacts, 0) as {{ dbt.type_int() }}) as known_contacts,
        cast(coalesce(touch_facts.engaged_contacts_90d, 0) as {{ dbt.type_int() }}) as engaged_contacts_90d,
        {%- for role in roles %}
            coalesce(role_facts.has_{{ role }}_role, false) as has_{{ role }}_role,
        {%- endfor %}
        cast(coalesce(role_facts.buying_roles_covered, 0) as {{ dbt.type_int() }}) as buying_roles_covered,
        coalesce(opportunity_facts.won_deal_count, 0) > 0 as is_customer
    from universe
    cross join as_of
    left join opportunity_facts
        on universe.account_id = opportunity_facts.account_id
    left join touch_facts
        on universe.account_id = touch_facts.account_id
    left join contact_facts
        on universe.account_id = contact_facts.account_id
    left join role_facts
        on universe.account_id = role_facts.account_id
)

select * from final
