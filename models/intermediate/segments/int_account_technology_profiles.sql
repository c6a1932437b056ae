{#- One row per universe account with technologies in use at the as-of date
    (enrichment; seen by then and not stale by var icp_technology_stale_days):
    how many, and how many of them are competitors or complementary tools (seed
    technology_relations; a tool it does not name is other). Accounts without
    technology data have no row. -#}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

enrichment_matches as (
    select * from {{ ref('int_enrichment_companies_matched_to_accounts') }}
),

technologies as (
    select * from {{ ref('int_technologies_combined') }}
),

technology_relations as (
    select * from {{ ref('technology_relations') }}
),

account_technologies as (
    select distinct
        enrichment_matches.account_id,
        technologies.tech_name,
        coalesce(technology_relations.relation, 'other') as relation
    from enrichment_matches
    cross join as_of
    inner join technologies
        on enrichment_matches.enrichment_domain = technologies.domain
    left join technology_relations
        on technologies.tech_name = technology_relations.tech_name
    where
        (technologies.first_seen_date is null or technologies.first_seen_date <= as_of.as_of_date)
        and (
            technologies.last_seen_date is null
            or {{ dbt.dateadd('day', var('icp_technology_stale_days'), 'technologies.last_seen_date') }}
            >= as_of.as_of_date
        )
),

final as (
    select
        account_technologies.account_id,
        count(distinct account_technologies.tech_name) as technology_count,
        count(distinct case when account_technologies.relation = 'competitor' then account_technologies.tech_name end)
            as competitor_tool_count,
        count(
            distinct case when account_technologies.relation = 'complementary' then account_technologies.tech_name end
        ) as complementary_tool_count
    from account_technologies
    group by account_technologies.account_id
)

select * from final
