{#- A UTC timestamp (without time zone) from text: ISO dates and timestamps,
    with 'T' or a space, optional fraction and an optional offset ('Z', '+0000',
    '+02:00', '.000+0000'; converted to UTC), or US style 'MM/DD/YYYY' with an
    optional time. Impossible values ('2024-13-45') are null. -#}
{% macro parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
    {{ dbt.safe_cast('trim(' ~ expr ~ ')', dbt.type_timestamp()) }}
{%- endmacro %}

{#- try_cast(... as timestamp) silently ignores an offset, and a cast to
    timestamptz reads offset-less text in the session time zone: so the offset
    decides which cast is used. -#}
{% macro duckdb__parse_timestamp(expr) -%}
    case
        when regexp_matches(trim({{ expr }}), '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast(trim({{ expr }}) as timestamptz))
        when regexp_matches(trim({{ expr }}), '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
            then try_strptime(trim({{ expr }}), ['%m/%d/%Y', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M'])
        else try_cast(trim({{ expr }}) as timestamp)
    end
{%- endmacro %}

{#- Spark's cast reads ISO text with 'T' or a space, a fraction and an offset
    ('Z', '+0000', '+02:00'; converted to the session time zone, UTC in
    profiles.yml) and gives null for impossible values; US style needs a pattern. -#}
{% macro spark__parse_timestamp(expr) -%}
    case
        when trim({{ expr }}) rlike '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}'
            then coalesce(
                try_to_timestamp(trim({{ expr }}), 'M/d/yyyy H:m:s'),
                try_to_timestamp(trim({{ expr }}), 'M/d/yyyy H:m'),
                try_to_timestamp(trim({{ expr }}), 'M/d/yyyy')
            )
        else try_cast(trim({{ expr }}) as timestamp)
    end
{%- endmacro %}
