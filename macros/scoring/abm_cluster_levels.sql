{#- The ONE place that says how ABM-lite clusters are formed: the grouping levels,
    finest first. Each level is a list of account_tiers / dim_accounts attributes;
    the last level is account_tiers.cluster_key alone (the primary need, the scope
    of the tier_2 capacity), so every cluster nests inside one capacity cluster.
    Remainders (groups below var abm_cluster_min_size) pool one level up. -#}
{% macro abm_cluster_levels() -%}
    {{ return([
        ['cluster_key', 'industry', 'size_band'],
        ['cluster_key', 'industry'],
        ['cluster_key'],
    ]) }}
{%- endmacro %}
