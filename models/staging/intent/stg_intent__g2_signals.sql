with

source as (
    select * from {{ source('intent', 'g2_buyer_intent') }}
),

cleaned as (
    select
        domain as domain_landed,
        {{ clean_value('company_name') }} as company_name,
        {{ clean_value('signal_date') }} as signal_date_text,
        {{ clean_value('activity_type') }} as activity_type_text,
        {{ clean_value('category') }} as category,
        {{ clean_value('competitor') }} as competitor,
        {{ clean_value('page_views') }} as page_views_text,
        _source_file,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        _loaded_at
    from source
),

hosts as (
    {{ resolve_hosts('source', 'domain', from_raw=true) }}
),

typed as (
    select
        hosts.registrable_domain as domain,  -- noqa: RF04
        cleaned.company_name,
        cleaned.signal_date_text,
        {{ parse_date('cleaned.signal_date_text') }} as signal_date,
        cleaned.activity_type_text,
        {{ regexp_replace_all('lower(cleaned.activity_type_text)', '[^a-z0-9]+', '_') }} as activity_type_key,
        cleaned.category,
        cleaned.competitor,
        cleaned.page_views_text,
        {{ parse_number('cleaned.page_views_text') }} as page_views_value,
        cleaned._source_file,
        cleaned._row_number,
        cleaned._loaded_at
    from cleaned
    left join hosts
        on cleaned.domain_landed = hosts.raw_value
),

enumerated as (
    select
        *,
        case
            when activity_type_key in (
                'category_research', 'competitor_comparison', 'product_profile', 'pricing', 'alternatives'
            ) then activity_type_key
        end as activity_type,
        case
            when page_views_value >= 0 then cast(round(page_views_value) as {{ dbt.type_int() }})
        end as page_views
    from typed
    where domain is not null and signal_date is not null
),

-- G2 has no id: a signal is its company, day, activity, category and competitor.
identified as (
    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(domain, '')", "'|'",
            "coalesce(cast(signal_date as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(activity_type_key, '')", "'|'",
            "coalesce(lower(category), '')", "'|'",
            "coalesce(lower(competitor), '')",
        ])) }} as g2_signal_id
    from enumerated
),

latest_versions as (
    {{ latest_version('identified', 'g2_signal_id') }}
),

final as (
    select
        g2_signal_id,
        domain,
        company_name,
        signal_date,
        activity_type,
        category,
        competitor,
        page_views,
        {{ list_invalid_values([
            ['activity_type', 'activity_type_text', 'activity_type'],
            ['page_views', 'page_views_text', 'page_views'],
        ]) }} as invalid_values
    from latest_versions
)

select * from final
