{#- One row per universe account that has an enrichment record: the record whose
    domain equals the account's domain, else the one reached through its
    registrable domain (lowest domain on a tie). -#}
with

enrichment as (
    select * from {{ ref('stg_enrichment__companies') }}
),

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'enrichment' and account_id is not null
),

matched as (
    select
        signal_domains.account_id,
        signal_domains.matched_by,
        signal_domains.match_confidence,
        enrichment.domain as enrichment_domain,
        enrichment.company_name,
        enrichment.company_name_normalized,
        enrichment.industry,
        enrichment.sub_industry,
        enrichment.employees,
        enrichment.annual_revenue,
        enrichment.country_code,
        enrichment.region,
        enrichment.state,
        enrichment.city,
        enrichment.founded_year,
        enrichment.technologies,
        lower(trim(enrichment.parent_domain)) as parent_domain,
        lower(trim(enrichment.ultimate_parent_domain)) as ultimate_parent_domain,
        enrichment.updated_at,
        row_number() over (
            partition by signal_domains.account_id
            order by
                case when signal_domains.domain = signal_domains.account_domain then 0 else 1 end,
                enrichment.domain
        ) as record_rank
    from signal_domains
    inner join enrichment
        on signal_domains.domain = lower(trim(enrichment.domain))
),

final as (
    select
        matched.account_id,
        matched.enrichment_domain,
        matched.matched_by,
        matched.match_confidence,
        matched.company_name,
        matched.company_name_normalized,
        matched.industry,
        matched.sub_industry,
        matched.employees,
        matched.annual_revenue,
        matched.country_code,
        matched.region,
        matched.state,
        matched.city,
        matched.founded_year,
        matched.technologies,
        matched.parent_domain,
        matched.ultimate_parent_domain,
        matched.updated_at
    from matched
    where matched.record_rank = 1
)

select * from final
