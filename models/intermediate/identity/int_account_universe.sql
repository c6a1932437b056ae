{#- The account universe: one row per master CRM account plus one row per
    registrable domain known only from enrichment, intent or anonymous activity
    (id from domain_account_id, stable across runs). -#}
with

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
),

crm_account_domains as (
    select * from {{ ref('int_crm_account_domains') }}
),

crm_masters as (
    select
        crm_map.account_id,
        max(crm_account_domains.domain) as domain,  -- noqa: RF04
        max(crm_account_domains.domain_source) as domain_source,
        count(*) as crm_account_count
    from crm_map
    left join crm_account_domains
        on crm_map.account_id = crm_account_domains.account_id
    group by crm_map.account_id
),

signal_sources as (
    select
        signal_domains.account_id,
        max(signal_domains.account_domain) as domain,  -- noqa: RF04
        max(case when signal_domains.record_source = 'enrichment' then 1 else 0 end) as has_enrichment,
        max(case when signal_domains.record_source = 'bombora' then 1 else 0 end) as has_bombora,
        max(case when signal_domains.record_source = 'g2' then 1 else 0 end) as has_g2,
        max(case when signal_domains.record_source = 'engagement' then 1 else 0 end) as has_engagement
    from signal_domains
    where signal_domains.account_id is not null
    group by signal_domains.account_id
),

combined as (
    select
        coalesce(crm_masters.account_id, signal_sources.account_id) as account_id,
        coalesce(crm_masters.domain, signal_sources.domain) as domain,  -- noqa: RF04
        case
            when crm_masters.account_id is null then 'signal_domain'
            else crm_masters.domain_source
        end as domain_source,
        crm_masters.account_id is not null as is_in_crm,
        coalesce(crm_masters.crm_account_count, 0) as crm_account_count,
        coalesce(signal_sources.has_enrichment, 0) = 1 as has_enrichment,
        coalesce(signal_sources.has_bombora, 0) = 1 as has_bombora,
        coalesce(signal_sources.has_g2, 0) = 1 as has_g2,
        coalesce(signal_sources.has_engagement, 0) = 1 as has_engagement
    from crm_masters
    full outer join signal_sources
        on crm_masters.account_id = signal_sources.account_id
),

final as (
    select
        combined.account_id,
        combined.domain,
        combined.domain_source,
        combined.is_in_crm,
        substring(
            {{ dbt.concat([
                "case when combined.is_in_crm then ',crm' else '' end",
                "case when combined.has_enrichment then ',enrichment' else '' end",
                "case when combined.has_bombora then ',bombora' else '' end",
                "case when combined.has_g2 then ',g2' else '' end",
                "case when combined.has_engagement then ',engagement' else '' end",
            ]) }},
            2
        ) as known_by_sources,
        combined.crm_account_count,
        combined.has_enrichment,
        combined.has_bombora,
        combined.has_g2,
        combined.has_engagement
    from combined
)

select * from final
