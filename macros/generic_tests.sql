{#- Seed map keys must already be in lookup_key() form, or the joins miss them
    (and two spellings of one key would fan rows out). -#}
{% test is_lookup_key(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} != {{ lookup_key(column_name) }}
{% endtest %}

{#- The public-suffix resolution looks at var public_suffix_max_labels trailing
    labels; a longer rule (plus its wildcard label and the registrable label)
    would silently never match. -#}
{% test fits_public_suffix_max_labels(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} + 2 > {{ var('public_suffix_max_labels') }}
{% endtest %}

{#- A comma-separated list whose every item is one of `values`. -#}
{% test is_list_of(model, column_name, values) %}
    with items as (
        select {{ unnest_split(column_name, ',') }} as item
        from {{ model }}
        where {{ column_name }} is not null
    )
    select item from items
    where item not in ({% for value in values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor %})
{% endtest %}
