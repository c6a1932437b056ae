{#- A band seed (band_name, lower_bound, sort_order) as a query with the upper
    bound of each band: the next band's lower bound (exclusive), null for the last
    band. Bands are defined by their lower edges only, so they can neither overlap
    nor leave gaps. -#}
{% macro band_bounds(seed_name) -%}
    select
        band_name,
        cast(sort_order as {{ dbt.type_int() }}) as sort_order,
        cast(lower_bound as {{ type_double() }}) as lower_bound,
        cast(
            lead(lower_bound) over (order by lower_bound) as {{ type_double() }}
        ) as upper_bound
    from {{ ref(seed_name) }}
{%- endmacro %}
