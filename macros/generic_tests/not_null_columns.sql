{#- Generic test (model level): none of `column_names` is null. One scan of the model
    for all its required columns, instead of one dbt node (and one Dagster check) per
    column; a failure returns one row per column that has nulls, with how many. -#}
{% test not_null_columns(model, column_names) %}
    with null_counts as (
        select
        {%- for column in column_names %}
            sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ model }}
    )

    {% for column in column_names -%}
    select
        '{{ column }}' as column_name,
        nulls_{{ loop.index }} as null_rows
    from null_counts
    where nulls_{{ loop.index }} > 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
