{#- One row per cutoff, scoped account with technology data and technology of
    the catalog (every tech_name enrichment has seen, with its category): whether
    the account uses it at the cutoff date. An account has technology data when
    its enrichment record lists any technology, whenever seen: its absence of a
    tool then means something. Point in time: a technology counts from its
    first_seen_date until var icp_technology_stale_days after its
    last_seen_date. -#}
with

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

technologies as (
    select * from {{ ref('int_technologies_combined') }}
),

technology_catalog as (
    select
        tech_name,
        max(tech_category) as tech_category
    from technologies
    group by tech_name
),

technology_known as (
    select distinct
        scoped_accounts.cutoff_name,
        scoped_accounts.cutoff_date,
        scoped_accounts.account_id,
        scoped_accounts.enrichment_domain
    from scoped_accounts
    inner join technologies
        on scoped_accounts.enrichment_domain = technologies.domain
),

technology_used as (
    select distinct
        technology_known.cutoff_name,
        technology_known.account_id,
        technologies.tech_name
    from technology_known
    inner join technologies
        on technology_known.enrichment_domain = technologies.domain
    where
        (technologies.first_seen_date is null or technologies.first_seen_date <= technology_known.cutoff_date)
        and (
            technologies.last_seen_date is null
            or cast(
                {{ dbt.dateadd('day', var('icp_technology_stale_days'), 'technologies.last_seen_date') }}
                as date
            ) >= technology_known.cutoff_date
        )
),

final as (
    select
        technology_known.cutoff_name,
        technology_known.account_id,
        technology_catalog.tech_name,
        technology_catalog.tech_category,
        technology_used.tech_name is not null as is_used
    from technology_known
    cross join technology_catalog
    left join technology_used
        on
            technology_known.cutoff_name = technology_used.cutoff_name
            and technology_known.account_id = technology_used.account_id
            and technology_catalog.tech_name = technology_used.tech_name
)

select * from final
