{#- One row per account of a clustered tier (var abm_cluster_tiers) at the
    as-of date: the level that placed it and the cluster formed there, before
    remainders merge (int_abm_cluster_members). Levels come from
    abm_cluster_levels() (finest first; the last is account_tiers.cluster_key).
    At each level, a group with at least var abm_cluster_min_size accounts forms
    clusters (split into ceil(n / var abm_cluster_max_size) near-equal parts in
    priority order); smaller groups pool one level up. At the last level every
    pool forms a cluster, whatever its size. -#}
{%- set levels = abm_cluster_levels() -%}
{%- set n_levels = levels | length -%}
{%- set min_size = var('abm_cluster_min_size') | int -%}
{%- set max_size = var('abm_cluster_max_size') | int -%}
{%- set all_attributes = levels[0] -%}
{%- set string = dbt.type_string() -%}
{%- set double = type_double() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

tiers as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    inner join as_of
        on account_tiers.as_of_date = as_of.as_of_date
    where account_tiers.tier in (
        {%- for t in var('abm_cluster_tiers') %}'{{ t }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

members as (
    select
        tiers.account_id,
        tiers.as_of_date,
        tiers.tier,
        tiers.cluster_key,
        coalesce(accounts.industry, 'unknown') as industry,
        coalesce(tiers.size_band, 'unknown') as size_band,
        coalesce(tiers.priority_score, 0) as priority_score
    from tiers
    left join accounts
        on tiers.account_id = accounts.account_id
),

{% for level in levels %}
    {%- set k = loop.index -%}
    {%- set source = 'members' if k == 1 else 'rest_' ~ (k - 1) -%}
    {%- set is_last = loop.last %}
    -- Level {{ k }}: {{ level | join(' x ') }}.
    grouped_{{ k }} as (
        select
            {{ source }}.*,
            {%- set source_columns = [] -%}
            {%- for a in level -%}{%- do source_columns.append(source ~ '.' ~ a) -%}{%- endfor %}
            count(*) over (partition by {{ source_columns | join(', ') }}) as group_size
        from {{ source }}
    ),

    placed_{{ k }} as (
        select
            grouped_{{ k }}.account_id,
            grouped_{{ k }}.as_of_date,
            grouped_{{ k }}.tier,
            grouped_{{ k }}.cluster_key,
            grouped_{{ k }}.industry,
            grouped_{{ k }}.size_band,
            grouped_{{ k }}.priority_score,
            grouped_{{ k }}.group_size,
            {{ n_levels - k + 1 }} as cluster_level,
            {%- for a in all_attributes %}
                {{ 'grouped_' ~ k ~ '.' ~ a if a in level else 'cast(null as ' ~ string ~ ')' }} as cluster_{{ a }},
            {%- endfor %}
            {%- set grouped_columns = [] -%}
            {%- for a in level -%}{%- do grouped_columns.append('grouped_' ~ k ~ '.' ~ a) -%}{%- endfor %}
            row_number() over (
                partition by {{ grouped_columns | join(', ') }}
                order by grouped_{{ k }}.priority_score desc, grouped_{{ k }}.account_id asc
            ) as group_seq
        from grouped_{{ k }}
        {%- if not is_last %}
            where grouped_{{ k }}.group_size >= {{ min_size }}
        {%- endif %}
    ),

    {%- if not is_last %}

        rest_{{ k }} as (
            select
                grouped_{{ k }}.account_id,
                grouped_{{ k }}.as_of_date,
                grouped_{{ k }}.tier,
                grouped_{{ k }}.cluster_key,
                grouped_{{ k }}.industry,
                grouped_{{ k }}.size_band,
                grouped_{{ k }}.priority_score
            from grouped_{{ k }}
            where grouped_{{ k }}.group_size < {{ min_size }}
        ),
    {%- endif %}
{% endfor %}

placed as (
    {%- for level in levels %}
        select * from placed_{{ loop.index }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}
),

-- Split a group into ceil(n / max) parts of near-equal size (they differ by one).
parted as (
    select
        placed.*,
        cast(floor(
            cast((placed.group_seq - 1) as {{ double }})
            * ceil(cast(placed.group_size as {{ double }}) / {{ max_size }})
            / placed.group_size
        ) as {{ dbt.type_int() }}) + 1 as part_number
    from placed
),

final as (
    select
        parted.account_id,
        parted.as_of_date,
        parted.tier,
        {%- set label_parts = [] -%}
        {%- for a in all_attributes -%}
            {%- do label_parts.append("coalesce(parted.cluster_" ~ a ~ ", 'any " ~ a | replace('_', ' ') ~ "')") -%}
            {%- do label_parts.append("' | '") -%}
        {%- endfor -%}
        {%- do label_parts.append("cast(parted.part_number as " ~ string ~ ")") %}
        {{ dbt.concat(label_parts) }} as formed_cluster_id,
        parted.cluster_key,
        parted.industry,
        parted.size_band,
        parted.cluster_level,
        parted.priority_score
    from parted
)

select * from final
