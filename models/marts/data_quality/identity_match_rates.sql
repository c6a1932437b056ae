{#- One row per record source and match rule (or 'unmatched'), for this run:
    how many records the rule placed and its share of the source. Signal sources
    (enrichment, bombora, g2, engagement_ip) count rows, not domains. -#}
with

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

leads as (
    select * from {{ ref('int_leads_matched_to_accounts') }}
),

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
),

as_of as (
    select {{ as_of_date() }} as as_of_date
),

outcomes as (
    select
        'crm_account' as record_source,
        crm_map.matched_by,
        count(*) as record_count
    from crm_map
    group by crm_map.matched_by

    union all

    select
        'contact' as record_source,
        coalesce(contacts.matched_by, 'unmatched') as matched_by,
        count(*) as record_count
    from contacts
    group by coalesce(contacts.matched_by, 'unmatched')

    union all

    select
        'lead' as record_source,
        coalesce(leads.matched_by, 'unmatched') as matched_by,
        count(*) as record_count
    from leads
    group by coalesce(leads.matched_by, 'unmatched')

    union all

    select
        'activity' as record_source,
        coalesce(activities.matched_by, 'unmatched') as matched_by,
        count(*) as record_count
    from activities
    group by coalesce(activities.matched_by, 'unmatched')

    union all

    select
        case
            when signal_domains.record_source = 'engagement' then 'engagement_ip'
            else signal_domains.record_source
        end as record_source,
        coalesce(signal_domains.matched_by, 'unmatched') as matched_by,
        sum(signal_domains.record_count) as record_count
    from signal_domains
    group by signal_domains.record_source, coalesce(signal_domains.matched_by, 'unmatched')
),

totals as (
    select
        outcomes.record_source,
        sum(outcomes.record_count) as source_record_count
    from outcomes
    group by outcomes.record_source
),

final as (
    select
        outcomes.record_source,
        outcomes.matched_by,
        cast(outcomes.record_count as {{ dbt.type_bigint() }}) as record_count,
        cast(totals.source_record_count as {{ dbt.type_bigint() }}) as source_record_count,
        cast(1.0 * outcomes.record_count / totals.source_record_count as {{ type_double() }}) as match_share,
        outcomes.matched_by != 'unmatched' as is_matched,
        as_of.as_of_date
    from outcomes
    inner join totals
        on outcomes.record_source = totals.record_source
    cross join as_of
)

select * from final
