{#- The value band of each customer in `accounts` for one measure of
    seeds/segments/value_bands.csv: the band with the highest lower edge at or
    below the value (a missing value counts as 0). -#}
{% macro value_band(accounts, value_measure, value_column) -%}
    select
        ranked.account_id,
        ranked.value_band
    from (
        select
            {{ accounts }}.account_id,
            value_bands.value_band,
            row_number() over (
                partition by {{ accounts }}.account_id order by value_bands.min_value_usd desc
            ) as band_rank
        from {{ accounts }}
        inner join value_bands
            on
                value_bands.value_measure = '{{ value_measure }}'
                and coalesce({{ value_column }}, 0) >= value_bands.min_value_usd
        where {{ accounts }}.is_customer
    ) as ranked
    where ranked.band_rank = 1
{%- endmacro %}
