{#- One row per account and month of the KPI history (int_kpi_months) in which
    the account is an active customer, has matched contacts or has a snapshot:
    - active customer: a won deal (any type) in var
      kpi_active_customer_window_days up to the month end; lifetime value = all
      its won amounts up to the month end (null for others);
    - contacts: matched contacts created by the month end;
    - buying roles covered: the latest snapshot inside the month (none: null). -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

months as (
    select * from {{ ref('int_kpi_months') }}
),

won_deals as (
    select opportunities.*
    from {{ ref('int_kpi_opportunities') }} as opportunities
    cross join as_of
    where opportunities.is_won and opportunities.close_date <= as_of.as_of_date
),

contacts as (
    select contacts.*
    from {{ ref('int_contacts_matched_to_accounts') }} as contacts
    cross join as_of
    where contacts.account_id is not null and cast(contacts.created_at as date) <= as_of.as_of_date
),

snapshots as (
    select snapshots.*
    from {{ ref('int_account_snapshots') }} as snapshots
    cross join as_of
    where snapshots.as_of_date <= as_of.as_of_date
),

-- Cumulative facts as steps: per account, each month with new facts starts a step
-- that lasts until the next one (to_month_start_date, exclusive), carrying the
-- running totals; joined to the KPI months it spans. One row per output row, instead
-- of every fact joined to every later month and grouped back.
won_deal_months as (
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'close_date') }} as date) as from_month_start_date,
        max(close_date) as last_won_date,
        sum(cast(amount_usable as {{ exact_decimal() }})) as won_amount_usd
    from won_deals
    group by
        account_id,
        cast({{ dbt.date_trunc('month', 'close_date') }} as date)
),

won_deal_steps as (
    select
        account_id,
        from_month_start_date,
        lead(from_month_start_date) over (
            partition by account_id order by from_month_start_date
        ) as to_month_start_date,
        last_won_date,
        sum(won_amount_usd) over (
            partition by account_id order by from_month_start_date
            rows between unbounded preceding and current row
        ) as lifetime_value_usd
    from won_deal_months
),

customer_months as (
    select
        won_deal_steps.account_id,
        months.month_start_date,
        months.month_end_date,
        won_deal_steps.last_won_date,
        cast(won_deal_steps.lifetime_value_usd as {{ type_double() }}) as lifetime_value_usd
    from won_deal_steps
    inner join months
        on
            won_deal_steps.from_month_start_date <= months.month_start_date
            and (
                won_deal_steps.to_month_start_date is null
                or won_deal_steps.to_month_start_date > months.month_start_date
            )
),

customer_facts as (
    select
        customer_months.account_id,
        customer_months.month_start_date,
        customer_months.lifetime_value_usd
    from customer_months
    where
        customer_months.last_won_date
        > {{ dbt.dateadd('day', -1 * var('kpi_active_customer_window_days'), 'customer_months.month_end_date') }}
),

contact_months as (
    select
        contacts.account_id,
        cast({{ dbt.date_trunc('month', 'contacts.created_at') }} as date) as from_month_start_date,
        count(*) as contact_count
    from contacts
    group by contacts.account_id, cast({{ dbt.date_trunc('month', 'contacts.created_at') }} as date)
),

contact_steps as (
    select
        account_id,
        from_month_start_date,
        lead(from_month_start_date) over (
            partition by account_id order by from_month_start_date
        ) as to_month_start_date,
        sum(contact_count) over (
            partition by account_id order by from_month_start_date
            rows between unbounded preceding and current row
        ) as contacts
    from contact_months
),

contact_facts as (
    select
        contact_steps.account_id,
        months.month_start_date,
        contact_steps.contacts
    from contact_steps
    inner join months
        on
            contact_steps.from_month_start_date <= months.month_start_date
            and (
                contact_steps.to_month_start_date is null
                or contact_steps.to_month_start_date > months.month_start_date
            )
),

role_facts as (
    select
        ranked.account_id,
        ranked.month_start_date,
        ranked.buying_roles_covered
    from (
        select
            snapshots.account_id,
            months.month_start_date,
            snapshots.buying_roles_covered,
            row_number() over (
                partition by snapshots.account_id, months.month_start_date
                order by snapshots.as_of_date desc
            ) as snapshot_rank
        from snapshots
        inner join months
            on
                snapshots.as_of_date >= months.month_start_date
                and snapshots.as_of_date <= months.month_end_date
    ) as ranked
    where ranked.snapshot_rank = 1
),

account_months as (
    select
        customer_facts.account_id,
        customer_facts.month_start_date
    from customer_facts
    union
    select
        contact_facts.account_id,
        contact_facts.month_start_date
    from contact_facts
    union
    select
        role_facts.account_id,
        role_facts.month_start_date
    from role_facts
),

final as (
    select
        account_months.account_id,
        account_months.month_start_date,
        customer_facts.account_id is not null as is_active_customer,
        customer_facts.lifetime_value_usd,
        contact_facts.contacts,
        role_facts.buying_roles_covered
    from account_months
    left join customer_facts
        on
            account_months.account_id = customer_facts.account_id
            and account_months.month_start_date = customer_facts.month_start_date
    left join contact_facts
        on
            account_months.account_id = contact_facts.account_id
            and account_months.month_start_date = contact_facts.month_start_date
    left join role_facts
        on
            account_months.account_id = role_facts.account_id
            and account_months.month_start_date = role_facts.month_start_date
)

select * from final
