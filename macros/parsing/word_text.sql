{#- Lower-cased text with every run of non-alphanumeric characters turned into one
    space and a space on each side, so rule patterns match whole words only
    (' cto ' must not match 'director'). Portable through regexp_replace_all. -#}
{% macro word_text(expr) -%}
    {{ dbt.concat([
        "' '",
        regexp_replace_all("lower(coalesce(" ~ expr ~ ", ''))", '[^a-z0-9]+', ' '),
        "' '",
    ]) }}
{%- endmacro %}
