{#- Latin letters without their diacritics ('Société' -> 'Societe'). -#}
{% macro remove_accents(expr) -%}
    {{ return(adapter.dispatch('remove_accents', 'abm_warehouse')(expr)) }}
{%- endmacro %}

{#- Portable fallback: the common Western European letters, lower and upper case. -#}
{% macro default__remove_accents(expr) -%}
    translate(
        {{ expr }},
        'àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ',
        'aaaaaaceeeeiiiinoooooouuuuyyAAAAAACEEEEIIIINOOOOOOUUUUY'
    )
{%- endmacro %}

{% macro duckdb__remove_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}
