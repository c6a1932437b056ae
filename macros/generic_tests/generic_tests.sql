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

{#- relationships for a history table (one row per key per as-of date): only the
    latest as-of date must point at a live parent. An older row keeps the account id
    it had on its day, even after that account was merged into a master or deleted. -#}
{% test relationships_at_latest_as_of(model, column_name, to, field, date_column='as_of_date') %}
    with latest as (
        select history.{{ column_name }} as child_key
        from {{ model }} as history
        where history.{{ date_column }} = (
            select max(dated.{{ date_column }}) from {{ model }} as dated
        )
    )
    select latest.child_key
    from latest
    left join {{ to }} as parent on latest.child_key = parent.{{ field }}
    where latest.child_key is not null and parent.{{ field }} is null
{% endtest %}
