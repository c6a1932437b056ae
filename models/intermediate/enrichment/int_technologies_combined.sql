-- One row per company registrable domain and technology, from both forms the
-- enrichment vendor delivers: the long technology table and the company's list.
with

technologies as (
    select * from {{ ref('stg_enrichment__technologies') }}
),

companies as (
    select * from {{ ref('stg_enrichment__companies') }}
),

company_items as (
    select
        domain,
        updated_at,
        {{ unnest_split('technologies', ';') }} as tech_name
    from companies
    where technologies is not null
),

-- A company record's list says the technology was there when it was updated.
both_forms as (
    select
        domain,
        tech_name,
        tech_category,
        first_seen_date,
        last_seen_date
    from technologies

    union all

    select
        domain,
        tech_name,
        cast(null as {{ dbt.type_string() }}) as tech_category,
        cast(null as date) as first_seen_date,
        cast(updated_at as date) as last_seen_date
    from company_items
),

final as (
    select
        domain,
        tech_name,
        max(tech_category) as tech_category,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date
    from both_forms
    group by
        domain,
        tech_name
)

select * from final
