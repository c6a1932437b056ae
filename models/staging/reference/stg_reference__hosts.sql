{{ config(materialized='table') }}

{#- Every (source, column) whose value names a company by its host. -#}
{%- set host_columns = [
    ('crm', 'account', 'website'),
    ('crm', 'contact', 'email'),
    ('crm', 'lead', 'email'),
    ('crm', 'lead', 'website'),
    ('enrichment', 'company', 'domain'),
    ('enrichment', 'company', 'parent_domain'),
    ('enrichment', 'company', 'ultimate_parent_domain'),
    ('enrichment', 'technology', 'domain'),
    ('intent', 'bombora_surge', 'domain'),
    ('intent', 'g2_buyer_intent', 'domain'),
    ('engagement', 'activity', 'email'),
    ('engagement', 'activity', 'ip_domain'),
] -%}
{%- set max_labels = var('public_suffix_max_labels') | int -%}

with

public_suffixes as (
    select * from {{ ref('public_suffixes') }}
),

free_mail_domains as (
    select * from {{ ref('free_mail_domains') }}
),

seen_hosts as (
    {%- for source_name, table_name, column_name in host_columns %}
        select {{ extract_host(column_name) }} as host  -- noqa: RF04
        from {{ source(source_name, table_name) }}
        {%- if not loop.last %}
            union
        {%- endif %}
    {%- endfor %}
),

labelled_hosts as (
    select
        host,
        length(host) - length(replace(host, '.', '')) + 1 as label_count
    from seen_hosts
    where host is not null
),

-- The host's trailing 1..n labels, one row each: 'a.b.co.uk' -> uk, co.uk, b.co.uk ...
host_suffixes as (
    {%- for n in range(1, max_labels + 1) %}
        select
            host,
            label_count,
            {{ n }} as suffix_label_count,
            {{ host_suffix('host', n) }} as suffix
        from labelled_hosts
        where label_count >= {{ n }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- A normal rule makes its own labels the public suffix, a wildcard one label
-- more, an exception one label fewer (and exceptions win over everything).
rule_matches as (
    select
        host_suffixes.host,
        public_suffixes.rule_type = 'exception' as is_exception,
        case public_suffixes.rule_type
            when 'wildcard' then host_suffixes.suffix_label_count + 1
            when 'exception' then host_suffixes.suffix_label_count - 1
            else host_suffixes.suffix_label_count
        end as public_suffix_label_count
    from host_suffixes
    inner join public_suffixes
        on host_suffixes.suffix = public_suffixes.suffix
),

resolved as (
    select
        labelled_hosts.host,
        labelled_hosts.label_count,
        -- No rule matched: the default rule '*' (the last label is the suffix).
        coalesce(
            max(case when rule_matches.is_exception then rule_matches.public_suffix_label_count end),
            max(case when not rule_matches.is_exception then rule_matches.public_suffix_label_count end),
            1
        ) as public_suffix_label_count
    from labelled_hosts
    left join rule_matches
        on labelled_hosts.host = rule_matches.host
    group by
        labelled_hosts.host,
        labelled_hosts.label_count
),

split_out as (
    select
        resolved.host,
        max(
            case when host_suffixes.suffix_label_count = 1 then host_suffixes.suffix end
        ) as top_level_label,
        max(
            case
                when host_suffixes.suffix_label_count = resolved.public_suffix_label_count
                    then host_suffixes.suffix
            end
        ) as public_suffix,
        max(
            case
                when host_suffixes.suffix_label_count = resolved.public_suffix_label_count + 1
                    then host_suffixes.suffix
            end
        ) as registrable_domain
    from resolved
    inner join host_suffixes
        on resolved.host = host_suffixes.host
    group by resolved.host
),

-- A name with empty labels, blanks or a numeric last label (an IP address)
-- is not a domain: it keeps its row but resolves to nothing.
validated as (
    select
        host,
        case
            when
                host not like '%..%'
                and host not like '% %'
                and {{ regexp_replace_all('top_level_label', '[0-9]', '') }} != ''
                then public_suffix
        end as public_suffix,
        case
            when
                host not like '%..%'
                and host not like '% %'
                and {{ regexp_replace_all('top_level_label', '[0-9]', '') }} != ''
                then registrable_domain
        end as registrable_domain
    from split_out
),

final as (
    select
        validated.host,
        validated.registrable_domain,
        validated.public_suffix,
        free_mail_domains.domain is not null as is_free_mail
    from validated
    left join free_mail_domains
        on validated.registrable_domain = free_mail_domains.domain
)

select * from final
