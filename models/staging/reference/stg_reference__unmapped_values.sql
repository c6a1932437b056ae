{#- (source table, column, kind of lookup, raw value) for every value a seed
    map or the public suffix list could not resolve. -#}
{%- set lookups = [
    ('crm', 'account', 'industry', 'industry'),
    ('crm', 'account', 'billing_country', 'country'),
    ('crm', 'account', 'website', 'domain'),
    ('crm', 'lead', 'industry', 'industry'),
    ('crm', 'lead', 'country', 'country'),
    ('crm', 'lead', 'website', 'domain'),
    ('crm', 'lead', 'email', 'domain'),
    ('crm', 'contact', 'email', 'domain'),
    ('enrichment', 'company', 'industry', 'industry'),
    ('enrichment', 'company', 'country', 'country'),
    ('enrichment', 'company', 'country_code', 'country'),
    ('enrichment', 'company', 'domain', 'domain'),
    ('enrichment', 'technology', 'domain', 'domain'),
    ('intent', 'bombora_surge', 'industry', 'industry'),
    ('intent', 'bombora_surge', 'hq_country', 'country'),
    ('intent', 'bombora_surge', 'domain', 'domain'),
    ('intent', 'g2_buyer_intent', 'domain', 'domain'),
    ('engagement', 'activity', 'email', 'domain'),
    ('engagement', 'activity', 'ip_domain', 'domain'),
] -%}

with

industry_map as (
    select * from {{ ref('industry_map') }}
),

country_map as (
    select * from {{ ref('country_map') }}
),

hosts as (
    select * from {{ ref('stg_reference__hosts') }}
),

raw_values as (
    {%- for source_name, table_name, column_name, kind in lookups %}
        select
            '{{ source_name }}__{{ table_name }}' as source_table,
            '{{ column_name }}' as column_name,
            '{{ kind }}' as lookup_kind,
            {{ clean_value(column_name) }} as raw_value
        from {{ source(source_name, table_name) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

counted as (
    select
        source_table,
        column_name,
        lookup_kind,
        raw_value,
        count(*) as row_count
    from raw_values
    where raw_value is not null
    group by
        source_table,
        column_name,
        lookup_kind,
        raw_value
),

final as (
    select
        counted.source_table,
        counted.column_name,
        counted.lookup_kind,
        counted.raw_value,
        counted.row_count
    from counted
    left join industry_map
        on
            counted.lookup_kind = 'industry'
            and {{ lookup_key('counted.raw_value') }} = industry_map.raw_value
    left join country_map
        on
            counted.lookup_kind = 'country'
            and {{ lookup_key('counted.raw_value') }} = country_map.raw_value
    left join hosts
        on
            counted.lookup_kind = 'domain'
            and {{ extract_host('counted.raw_value') }} = hosts.host
    where
        (counted.lookup_kind = 'industry' and industry_map.raw_value is null)
        or (counted.lookup_kind = 'country' and country_map.raw_value is null)
        or (counted.lookup_kind = 'domain' and hosts.registrable_domain is null)
)

select * from final
