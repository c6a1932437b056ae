{#- The latest version of each record of `relation`: one row per `unique_key`,
    the one with the latest `updated_at` (nulls oldest), ties broken by the later
    load (`_loaded_at`), then file (`_source_file`), then row (`_row_number`).
    Rows with a null key are no record and are left out. Renders a select (every
    column of `relation` plus `version_rank`, always 1) for a CTE body. -#}
{% macro latest_version(relation, unique_key, updated_at=none) -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ keys | join(', ') }}
                order by
                    {%- if updated_at %} {{ updated_at }} desc nulls last,{% endif %}
                    _loaded_at desc, _source_file desc, _row_number desc
            ) as version_rank
        from {{ relation }}
        where
            {%- for key in keys %}
                {{ 'and ' if not loop.first }}{{ key }} is not null
            {%- endfor %}
    ) as versions
    where version_rank = 1
{%- endmacro %}
