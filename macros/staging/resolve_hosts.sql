{#- One row per distinct non-null host in `host_columns` of `relation` (hosts as
    extract_host() gives them): host, registrable_domain, public_suffix,
    is_free_mail. Each host is resolved once, however many rows carry it, against
    the public suffix list (seed public_suffixes): its trailing 1..var
    public_suffix_max_labels labels are joined to the rules, the longest match
    wins, a wildcard rule (`*.ck`) adds a label, an exception rule (`!www.ck`)
    removes one and beats the others, no match means the default rule `*` (the
    last label). Renders a select (with its own CTEs) for a CTE body; join it back
    to the rows on `host`.
    from_raw=true: `host_columns` are raw websites, domains or e-mails; the host
    is extracted once per distinct raw value (extract_host(), never per row) and
    the rows are one per distinct non-null raw value, with `raw_value` first
    (every other column null when it has no host): join it back to the rows on
    the raw column. -#}
{% macro resolve_hosts(relation, host_columns, from_raw=false) -%}
    {%- set columns = [host_columns] if host_columns is string else host_columns -%}
    {%- set max_labels = var('public_suffix_max_labels') | int -%}
    {%- set raw_value = 'raw_value,' if from_raw else '' -%}
    {%- set valid_host -%}
        resolved_hosts.host not like '%..%'
        and resolved_hosts.host not like '% %'
        and {{ regexp_replace_all('resolved_hosts.suffix_1', '[0-9]', '') }} != ''
    {%- endset -%}
    with

    {{ 'seen_values' if from_raw else 'seen_hosts' }} as (
        {%- for column in columns %}
            select distinct {{ column }} as {{ 'raw_value' if from_raw else 'host' }}  -- noqa: RF04
            from {{ relation }}
            where {{ column }} is not null
            {%- if not loop.last %}
                union
            {%- endif %}
        {%- endfor %}
    ),
    {%- if from_raw %}

    -- The only place the host is extracted: once per distinct raw value (no
    -- filter on it, which an engine may evaluate apart: a null host resolves
    -- to nulls below).
    seen_hosts as (
        select
            raw_value,
            {{ extract_host('raw_value') }} as host
        from seen_values
    ),
    {%- endif %}

    counted_hosts as (
        select
            {{ raw_value }}
            host,
            length(host) - length(replace(host, '.', '')) + 1 as label_count
        from seen_hosts
    ),

    -- The host's trailing 1..n labels: 'a.b.co.uk' -> uk, co.uk, b.co.uk, ...
    host_suffixes as (
        select
            {{ raw_value }}
            host,
            {%- for n in range(1, max_labels + 1) %}
                case when label_count >= {{ n }} then {{ host_suffix('host', n) }} end as suffix_{{ n }},
            {%- endfor %}
            label_count
        from counted_hosts
    ),

    suffix_rules as (
        select
            suffix,
            max(case when rule_type = 'exception' then 1 else 0 end) = 1 as is_exception,
            -- labels a normal (0) or wildcard (1) rule adds; null: only an exception
            max(case rule_type when 'normal' then 0 when 'wildcard' then 1 end) as extra_labels
        from {{ ref('public_suffixes') }}
        group by suffix
    ),

    -- The longest match decides: an exception's labels minus one, else a rule's
    -- labels (plus one for a wildcard), else the default rule '*' (one label).
    resolved_hosts as (
        select
            {{ 'host_suffixes.raw_value,' if from_raw }}
            host_suffixes.host,
            {%- for n in range(1, max_labels + 1) %}
                host_suffixes.suffix_{{ n }},
            {%- endfor %}
            coalesce(
                {%- for n in range(max_labels, 0, -1) %}
                    case when rule_{{ n }}.is_exception then {{ n - 1 }} end,
                {%- endfor %}
                {%- for n in range(max_labels, 0, -1) %}
                    {{ n }} + rule_{{ n }}.extra_labels,
                {%- endfor %}
                1
            ) as public_suffix_label_count
        from host_suffixes
        {%- for n in range(1, max_labels + 1) %}
            left join suffix_rules as rule_{{ n }}
                on host_suffixes.suffix_{{ n }} = rule_{{ n }}.suffix
        {%- endfor %}
    ),

    -- A name with empty labels, blanks or a numeric last label (an IP address)
    -- is not a domain: it keeps its row but resolves to nothing.
    split_hosts as (
        select
            {{ 'resolved_hosts.raw_value,' if from_raw }}
            resolved_hosts.host,
            case
                when {{ valid_host }} then
                    case resolved_hosts.public_suffix_label_count + 1
                        {%- for n in range(1, max_labels + 1) %}
                            when {{ n }} then resolved_hosts.suffix_{{ n }}
                        {%- endfor %}
                    end
            end as registrable_domain,
            case
                when {{ valid_host }} then
                    case resolved_hosts.public_suffix_label_count
                        {%- for n in range(1, max_labels + 1) %}
                            when {{ n }} then resolved_hosts.suffix_{{ n }}
                        {%- endfor %}
                    end
            end as public_suffix
        from resolved_hosts
    )

    select
        {{ 'split_hosts.raw_value,' if from_raw }}
        split_hosts.host,
        split_hosts.registrable_domain,
        split_hosts.public_suffix,
        case when split_hosts.host is not null then free_mail_domains.domain is not null end as is_free_mail
    from split_hosts
    left join {{ ref('free_mail_domains') }} as free_mail_domains
        on split_hosts.registrable_domain = free_mail_domains.domain
{%- endmacro %}
